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
package dev.npipe.transport.testsuite;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * Marks a class that runs one of Netty's testsuite tests against our channels:
 * <ul>
 * <li>tagged {@code win32} (it needs a Windows JVM, so only the Win32 suite runs it);</li>
 * <li>a {@link Timeout} of 120 s for every test method that has none of its own: many of Netty's tests wait on
 * latches without a timeout, and a transport defect must fail the test, not hang the suite;</li>
 * <li>{@link TestsuiteExtension}: after each test, Netty's leak detector (PARANOID in the suite) must have reported
 * no leak; after each class, the shared event loop group is shut down and the class must have closed every native
 * handle it opened.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("win32")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(TestsuiteExtension.class)
public @interface NettyTestsuite {
}
