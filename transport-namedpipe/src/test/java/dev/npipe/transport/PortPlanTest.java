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

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a server child's completions reach its loop, decided apart from the Win32 call (runs on every JVM). */
class PortPlanTest {
    @Test
    void aChildOnItsServersLoopNeverMoves() {
        AtomicInteger moves = new AtomicInteger();
        assertEquals(PortSharing.PortPlan.SAME_LOOP, PortSharing.portPlan(true, true, () -> {
            moves.incrementAndGet();
            return true;
        }));
        assertEquals(0, moves.get(), "a move was tried for a child on its server's loop");
    }

    @Test
    void aChildOnAnotherLoopMovesWhereWindowsCanAndIsPassedOnWhereNot() {
        assertEquals(PortSharing.PortPlan.MOVED, PortSharing.portPlan(false, true, () -> true));
        // Refused (Wine's STATUS_NOT_IMPLEMENTED, Windows before 8.1, or refused midway): passed on, nothing lost.
        assertEquals(PortSharing.PortPlan.PASSED_ON, PortSharing.portPlan(false, true, () -> false));
    }

    @Test
    void withMovingTurnedOffNoMoveIsTried() {
        AtomicInteger moves = new AtomicInteger();
        assertEquals(PortSharing.PortPlan.PASSED_ON, PortSharing.portPlan(false, false, () -> {
            moves.incrementAndGet();
            return true;
        }));
        assertEquals(0, moves.get());
    }
}
