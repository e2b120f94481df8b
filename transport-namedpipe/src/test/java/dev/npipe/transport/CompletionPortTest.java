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
package dev.npipe.transport;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the completion-port calls do on this Win32: tells which path server children take. */
@Tag("win32")
class CompletionPortTest {
    private static final Logger log = Logger.getLogger(CompletionPortTest.class.getName());

    @Test
    void movingAPipeToAnotherPortEitherWorksOrIsRefusedCleanly() throws Exception {
        long first = Win32Handle.createCompletionPort();
        long second = Win32Handle.createCompletionPort();
        long pipe = Win32Handle.createNamedPipe(PipeTestSupport.uniqueAddress().path(), Kernel32.PIPE_ACCESS_DUPLEX,
                Kernel32.PIPE_TYPE_BYTE, 1, 4096, 4096, 0, 0L);
        try {
            assertNotEquals(0L, Kernel32.CreateIoCompletionPort(pipe, first, 0L, 0), "associate");
            int status = NtDll.replaceCompletionPort(pipe, second);
            if (status == 0) {
                log.info("FileReplaceCompletionInformation works here: children move to their own loop's port");
            } else {
                // Refused: children's completions are passed on between loops instead (EchoTest covers that).
                log.info("FileReplaceCompletionInformation refused with NTSTATUS 0x" + Integer.toHexString(status)
                        + ": children's completions are passed on between loops");
                assertTrue(status < 0, "an NTSTATUS error, not a warning: 0x" + Integer.toHexString(status));
            }
        } finally {
            Win32Handle.close(pipe);
            Win32Handle.close(second);
            Win32Handle.close(first);
        }
    }
}
