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

import dev.npipe.transport.NamedPipeChannelOption;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes the options of {@link NamedPipeChannelOption} off a bootstrap that will make Unix domain sockets, so that code
 * written for Windows runs unchanged: each such option is ignored, with one debug message per option and JVM.
 */
final class NamedPipeOnlyOptions {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeOnlyOptions.class);
    private static final Set<ChannelOption<?>> OPTIONS = collect();
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private NamedPipeOnlyOptions() {
    }

    private static Set<ChannelOption<?>> collect() {
        Set<ChannelOption<?>> options = new HashSet<>();
        for (Field field : NamedPipeChannelOption.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Modifier.isPublic(field.getModifiers())
                    && ChannelOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ChannelOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + field, e);
                }
            }
        }
        return options;
    }

    /** Tells whether {@code option} exists only on named pipes. */
    static boolean contains(ChannelOption<?> option) {
        return OPTIONS.contains(option);
    }

    /** Removes the named-pipe options from {@code bootstrap}'s options, and from its child options if it has them. */
    static void strip(AbstractBootstrap<?, ?> bootstrap) {
        for (ChannelOption<?> option : bootstrap.config().options().keySet()) {
            if (contains(option)) {
                bootstrap.option(option, null);
                logIgnored(option);
            }
        }
        if (bootstrap instanceof ServerBootstrap) {
            ServerBootstrap server = (ServerBootstrap) bootstrap;
            for (ChannelOption<?> option : server.config().childOptions().keySet()) {
                if (contains(option)) {
                    server.childOption(option, null);
                    logIgnored(option);
                }
            }
        }
    }

    private static void logIgnored(ChannelOption<?> option) {
        if (LOGGED.add(option.name())) {
            logger.debug("{} exists only for Windows named pipes; ignored on Unix domain sockets", option.name());
        }
    }
}
