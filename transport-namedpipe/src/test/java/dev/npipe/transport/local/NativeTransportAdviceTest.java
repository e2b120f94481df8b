/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
package dev.npipe.transport.local;

import dev.npipe.transport.local.KindBindings.NativeTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What LocalPipes says when a native transport is missing: what to add, on the class path and the module path. */
class NativeTransportAdviceTest {
    @Test
    void onTheClassPathItNamesTheArtifactWithItsClassifier() {
        String message = NativeTransport.EPOLL.notFound(false, "amd64");
        assertTrue(message.startsWith("io.netty.channel.epoll.Epoll is not on the class path: add"
                + " io.netty:netty-transport-native-epoll:<Netty version>:linux-x86_64"), message);
        assertTrue(message.contains("all three at one version"), message);
        assertTrue(!message.contains("--add-modules"), message);
    }

    @Test
    void onTheModulePathItSaysWhichModulesToAdd() {
        String message = NativeTransport.EPOLL.notFound(true, "amd64");
        assertTrue(message.startsWith("io.netty.channel.epoll.Epoll is not in the module graph"), message);
        assertTrue(message.contains("--add-modules io.netty.transport.classes.epoll,"
                + "io.netty.transport.epoll.linux.x86_64"), message);
        assertTrue(NativeTransport.EPOLL.nativeNotResolved("aarch64")
                .contains("--add-modules io.netty.transport.epoll.linux.aarch_64"));
        assertTrue(NativeTransport.KQUEUE.notFound(true, "aarch64").contains("--add-modules"
                + " io.netty.transport.classes.kqueue,io.netty.transport.kqueue.osx.aarch_64"));
        assertEquals("META-INF/native/libnetty_transport_native_kqueue_aarch_64.jnilib",
                NativeTransport.KQUEUE.nativeLibrary("aarch64"));
    }

    static boolean epollJarsPresent() {
        return NativeTransportAdviceTest.class.getClassLoader()
                .getResource(NativeTransport.EPOLL.nativeLibrary(System.getProperty("os.arch"))) != null;
    }

    /** The names the advice gives are those of the jars themselves (the test class path has epoll for Linux). */
    @Test
    @EnabledIf("epollJarsPresent")
    void theModuleNamesAreThoseOfNettysJars() throws Exception {
        String arch = System.getProperty("os.arch");
        URL library = getClass().getClassLoader().getResource(NativeTransport.EPOLL.nativeLibrary(arch));
        assertNotNull(library);
        Path nativeJar = Path.of(((JarURLConnection) library.openConnection()).getJarFileURL().toURI());
        Path classesJar = Path.of(Class.forName(NativeTransport.EPOLL.availabilityClass).getProtectionDomain()
                .getCodeSource().getLocation().toURI());
        Set<String> names = ModuleFinder.of(nativeJar, classesJar).findAll().stream()
                .map(ModuleReference::descriptor).map(d -> d.name()).collect(Collectors.toSet());
        assertEquals(Set.of(NativeTransport.EPOLL.nativeModule(arch), NativeTransport.EPOLL.classesModule()), names);
    }

    @Test
    void epollArtifactsOfDifferentVersionsAreRefusedNamingEachAndWhatToPin() {
        String message = NativeTransport.EPOLL.versionMismatch(java.util.Map.of(
                "netty-transport-classes-epoll", "4.2.18.Final", "netty-transport-native-epoll", "4.2.18.Final",
                "netty-transport-native-unix-common", "4.2.20.Final", "netty-transport", "4.2.20.Final"));
        assertNotNull(message, "a mismatch was let through");
        assertTrue(message.startsWith("Netty's epoll artifacts are not one version (netty-transport-classes-epoll"
                + " 4.2.18.Final, netty-transport-native-epoll 4.2.18.Final, netty-transport-native-unix-common"
                + " 4.2.20.Final)"), message);
        assertTrue(message.contains("Pin netty-transport-classes-epoll, netty-transport-native-epoll,"
                + " netty-transport-native-unix-common to one version"), message);
        assertNotNull(NativeTransport.EPOLL.versionMismatch(java.util.Map.of(
                "netty-transport-classes-epoll", "4.2.20.Final", "netty-transport-native-epoll", "4.2.18.Final")));
        // One version (the rest of Netty apart) is fine, and so is an absent artifact: its absence fails alone.
        assertEquals(null, NativeTransport.EPOLL.versionMismatch(java.util.Map.of(
                "netty-transport-classes-epoll", "4.2.18.Final", "netty-transport-native-epoll", "4.2.18.Final",
                "netty-transport-native-unix-common", "4.2.18.Final", "netty-transport", "4.2.20.Final")));
        assertEquals(null, NativeTransport.EPOLL.versionMismatch(java.util.Map.of(
                "netty-transport-classes-epoll", "4.2.20.Final", "netty-transport-native-unix-common",
                "4.2.20.Final")));
        assertNotNull(NativeTransport.KQUEUE.versionMismatch(java.util.Map.of(
                "netty-transport-classes-kqueue", "4.2.20.Final", "netty-transport-native-kqueue", "4.2.19.Final")));
    }
}
