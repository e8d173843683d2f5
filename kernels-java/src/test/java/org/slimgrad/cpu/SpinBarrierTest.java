package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The barrier SGEMM's parts meet at: reusable across many meetings, and failing, not hanging, when a part fails. */
class SpinBarrierTest {

    @Test
    void nobodyPassesAMeetingBeforeEveryoneHasArrived() throws InterruptedException {
        int parties = 3;
        int meetings = 2000;
        SpinBarrier barrier = new SpinBarrier(parties);
        AtomicIntegerArray reached = new AtomicIntegerArray(parties);
        int[] violations = new int[parties];
        Thread[] threads = new Thread[parties];
        for (int t = 0; t < parties; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                for (int round = 1; round <= meetings; round++) {
                    reached.set(me, round);
                    barrier.await();
                    for (int other = 0; other < parties; other++) {
                        if (reached.get(other) < round) {
                            violations[me]++;
                        }
                    }
                    barrier.await(); // nobody starts the next round while another still checks this one
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        for (int t = 0; t < parties; t++) {
            assertEquals(meetings, reached.get(t), "thread " + t + " finished every round");
            assertEquals(0, violations[t], "thread " + t + " passed a meeting early");
        }
    }

    @Test
    void anAbandonedBarrierFailsItsWaitersWithTheCause() throws InterruptedException {
        SpinBarrier barrier = new SpinBarrier(2);
        IllegalStateException[] seen = new IllegalStateException[1];
        Thread waiter = new Thread(() -> seen[0] = assertThrows(IllegalStateException.class, barrier::await));
        waiter.start();
        RuntimeException cause = new RuntimeException("a part failed");
        barrier.abandon(cause);
        waiter.join(60_000);
        assertSame(cause, seen[0].getCause());
        assertSame(cause, assertThrows(IllegalStateException.class, barrier::await).getCause(), "and later waits");
    }
}
