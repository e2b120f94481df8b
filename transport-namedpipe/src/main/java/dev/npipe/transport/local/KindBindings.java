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

import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeIoHandler;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.util.Version;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each {@link LocalPipeKind} is made of in Netty. The native epoll and kqueue transports are optional: they are
 * reached by class name only, so this jar loads and runs without them.
 */
final class KindBindings {
    private static final String EPOLL = "io.netty.channel.epoll.";
    private static final String KQUEUE = "io.netty.channel.kqueue.";
    private static final String DOMAIN_SOCKET_ADDRESS = "io.netty.channel.unix.DomainSocketAddress";
    private static final Map<LocalPipeKind, Throwable> CAUSES = probeAll();

    private KindBindings() {
    }

    private static Map<LocalPipeKind, Throwable> probeAll() {
        Map<LocalPipeKind, Throwable> causes = new EnumMap<>(LocalPipeKind.class);
        causes.put(LocalPipeKind.NAMED_PIPE, isWindows() ? NamedPipe.unavailabilityCause()
                : new UnsupportedOperationException("Windows named pipes need Windows; this JVM runs on "
                        + System.getProperty("os.name")));
        causes.put(LocalPipeKind.EPOLL_DOMAIN_SOCKET, probeNative(NativeTransport.EPOLL));
        causes.put(LocalPipeKind.KQUEUE_DOMAIN_SOCKET, probeNative(NativeTransport.KQUEUE));
        causes.put(LocalPipeKind.NIO_DOMAIN_SOCKET, probePosix());
        return causes;
    }

    /** Netty's two native transports, as a user adds them: artifacts, the OS of their classifier, module names. */
    enum NativeTransport {
        EPOLL("Epoll", "epoll", "linux"),
        KQUEUE("KQueue", "kqueue", "osx");

        final String availabilityClass;
        final String family;
        final String os;

        NativeTransport(String simpleName, String family, String os) {
            this.availabilityClass = "io.netty.channel." + family + "." + simpleName;
            this.family = family;
            this.os = os;
        }

        /** The classifier's architecture as Netty spells it, from {@code os.arch}. */
        static String arch(String osArch) {
            switch (osArch) {
                case "amd64":
                case "x86_64":
                    return "x86_64";
                case "aarch64":
                case "arm64":
                    return "aarch_64";
                default:
                    return osArch;
            }
        }

        String classifier(String osArch) {
            return os + "-" + arch(osArch);
        }

        String classesModule() {
            return "io.netty.transport.classes." + family;
        }

        String nativeModule(String osArch) {
            return "io.netty.transport." + family + "." + os + "." + arch(osArch);
        }

        /** Why the classes are not found, and how to add them, on the class path or on the module path. */
        String notFound(boolean modulePath, String osArch) {
            String jars = "io.netty:netty-transport-native-" + family + ":<Netty version>:" + classifier(osArch)
                    + " (it brings netty-transport-classes-" + family + " and netty-transport-native-unix-common,"
                    + " all three at one version)";
            String fallback = "; until then LocalPipes.transport() uses the next kind (NIO domain sockets need no"
                    + " native code)";
            if (!modulePath) {
                return availabilityClass + " is not on the class path: add " + jars + fallback;
            }
            return availabilityClass + " is not in the module graph: dev.npipe.transport runs on the module path,"
                    + " where Netty's " + family + " modules are resolved only when asked for. Put " + jars
                    + " on the module path and add the modules with --add-modules " + classesModule() + ","
                    + nativeModule(osArch) + " (or 'requires' them in your module-info)" + fallback;
        }

        /** The artifacts that must be one version: the native library holds the JNI code of the other two. */
        List<String> artifacts() {
            return List.of("netty-transport-classes-" + family, "netty-transport-native-" + family,
                    "netty-transport-native-unix-common");
        }

        /**
         * Why the artifacts found (artifact id to version) cannot work together, or {@code null} if they are one
         * version (those absent are not compared: their absence fails on its own).
         */
        String versionMismatch(Map<String, String> versions) {
            Map<String, String> found = new LinkedHashMap<>();
            for (String artifact : artifacts()) {
                if (versions.containsKey(artifact)) {
                    found.put(artifact, versions.get(artifact));
                }
            }
            if (new HashSet<>(found.values()).size() <= 1) {
                return null;
            }
            StringBuilder list = new StringBuilder();
            found.forEach((artifact, version) -> list.append(list.length() == 0 ? "" : ", ").append(artifact)
                    .append(' ').append(version));
            return "Netty's " + family + " artifacts are not one version (" + list + "): the native library"
                    + " must come from the same Netty release as its classes, or it fails later (e.g. an"
                    + " UnsatisfiedLinkError under load). Pin " + String.join(", ", artifacts()) + " to one version"
                    + " (one that has the native jar for " + os + "), e.g. in dependencyManagement; the rest of"
                    + " Netty may stay at its own version";
        }

        /** The resource Netty loads the native library from. */
        String nativeLibrary(String osArch) {
            return "META-INF/native/libnetty_transport_native_" + family + "_" + arch(osArch)
                    + (os.equals("osx") ? ".jnilib" : ".so");
        }

        /** The native library did not load on the module path: often because its module is not in the graph. */
        String nativeNotResolved(String osArch) {
            return "the " + family + " native library is not found: dev.npipe.transport runs on the module path, and"
                    + " module " + nativeModule(osArch) + " (netty-transport-native-" + family + "-<version>-"
                    + classifier(osArch) + ".jar, which holds the library) is not in the module graph; add it with"
                    + " --add-modules " + nativeModule(osArch);
        }
    }

    /** Epoll and KQueue have the same static {@code unavailabilityCause()}. */
    private static Throwable probeNative(NativeTransport transport) {
        Throwable posix = probePosix();
        if (posix != null) {
            return posix;
        }
        String osArch = System.getProperty("os.arch", "");
        Module module = KindBindings.class.getModule();
        try {
            Class<?> type = Class.forName(transport.availabilityClass, true, KindBindings.class.getClassLoader());
            // Before the library loads: a mismatched one may load, report itself available, and fail later.
            String mismatch = transport.versionMismatch(nettyVersions(type.getClassLoader()));
            if (mismatch != null) {
                return new UnsupportedOperationException(mismatch);
            }
            Throwable cause = (Throwable) type.getMethod("unavailabilityCause").invoke(null);
            if (cause != null && module.isNamed() && !isResolved(module, transport.nativeModule(osArch))
                    && KindBindings.class.getClassLoader().getResource(transport.nativeLibrary(osArch)) == null) {
                return new UnsupportedOperationException(transport.nativeNotResolved(osArch), cause);
            }
            return cause;
        } catch (ClassNotFoundException e) {
            return new UnsupportedOperationException(transport.notFound(module.isNamed(), osArch), e);
        } catch (ReflectiveOperationException | LinkageError e) {
            return e;
        }
    }

    /** Netty's artifacts and their versions, as each jar's {@code META-INF/io.netty.versions.properties} says. */
    private static Map<String, String> nettyVersions(ClassLoader loader) {
        Map<String, String> versions = new TreeMap<>();
        for (Map.Entry<String, Version> e : Version.identify(loader).entrySet()) {
            versions.put(e.getKey(), e.getValue().artifactVersion());
        }
        return versions;
    }

    /** Whether {@code name} is a module of the layer {@code module} is in (the boot layer for the unnamed). */
    private static boolean isResolved(Module module, String name) {
        ModuleLayer layer = module.getLayer() != null ? module.getLayer() : ModuleLayer.boot();
        return layer.findModule(name).isPresent();
    }

    /** Socket files live in a directory only this user may enter: that needs POSIX permissions. */
    private static Throwable probePosix() {
        if (isWindows()) {
            return new UnsupportedOperationException("on Windows local pipes are named pipes: Unix domain socket"
                    + " files there have no POSIX permissions to keep other users out");
        }
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new UnsupportedOperationException("Unix domain sockets need a file system with POSIX"
                    + " permissions; this one has " + FileSystems.getDefault().supportedFileAttributeViews());
        }
        return null;
    }

    /** Tells Windows by name, so that no JNA or Win32 class is loaded anywhere else. */
    static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    static Throwable unavailabilityCause(LocalPipeKind kind) {
        return CAUSES.get(kind);
    }

    static IoHandlerFactory ioHandlerFactory(LocalPipeKind kind) {
        switch (kind) {
            case NAMED_PIPE:
                return NamedPipeIoHandler.newFactory();
            case EPOLL_DOMAIN_SOCKET:
                return (IoHandlerFactory) invokeStatic(EPOLL + "EpollIoHandler", "newFactory");
            case KQUEUE_DOMAIN_SOCKET:
                return (IoHandlerFactory) invokeStatic(KQUEUE + "KQueueIoHandler", "newFactory");
            default:
                return NioIoHandler.newFactory();
        }
    }

    static Class<? extends ServerChannel> serverChannelClass(LocalPipeKind kind) {
        switch (kind) {
            case NAMED_PIPE:
                return NamedPipeServerChannel.class;
            case EPOLL_DOMAIN_SOCKET:
                return load(EPOLL + "EpollServerDomainSocketChannel", ServerChannel.class);
            case KQUEUE_DOMAIN_SOCKET:
                return load(KQUEUE + "KQueueServerDomainSocketChannel", ServerChannel.class);
            default:
                return NioServerDomainSocketChannel.class;
        }
    }

    static Class<? extends Channel> channelClass(LocalPipeKind kind) {
        switch (kind) {
            case NAMED_PIPE:
                return NamedPipeChannel.class;
            case EPOLL_DOMAIN_SOCKET:
                return load(EPOLL + "EpollDomainSocketChannel", Channel.class);
            case KQUEUE_DOMAIN_SOCKET:
                return load(KQUEUE + "KQueueDomainSocketChannel", Channel.class);
            default:
                return NioDomainSocketChannel.class;
        }
    }

    /** The address of a socket file: the JDK's for NIO, Netty's {@code DomainSocketAddress} for the natives. */
    static SocketAddress socketAddress(LocalPipeKind kind, Path file) {
        if (kind == LocalPipeKind.NIO_DOMAIN_SOCKET) {
            return UnixDomainSocketAddress.of(file);
        }
        try {
            return (SocketAddress) Class.forName(DOMAIN_SOCKET_ADDRESS, true, KindBindings.class.getClassLoader())
                    .getConstructor(String.class).newInstance(file.toString());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + DOMAIN_SOCKET_ADDRESS + " for " + file, e);
        }
    }

    private static <T> Class<? extends T> load(String name, Class<T> base) {
        try {
            return Class.forName(name, true, KindBindings.class.getClassLoader()).asSubclass(base);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is not on the class path", e);
        }
    }

    private static Object invokeStatic(String className, String method) {
        try {
            return Class.forName(className, true, KindBindings.class.getClassLoader()).getMethod(method)
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + className + "." + method + "()", e);
        }
    }
}
