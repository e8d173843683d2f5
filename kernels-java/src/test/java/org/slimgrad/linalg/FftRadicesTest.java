package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stage plans of the mixed-radix FFTs: every factor used once, powers of two grouped as documented. */
class FftRadicesTest {

    @Test
    void stagesMultiplyToTheLengthWithAtMostOneShortPowerOfTwo() {
        for (int largest : new int[]{4, 8}) {
            for (int n = 1; n <= 5000; n++) {
                int[] stages = FftRadices.stageOrder(FftRadices.primeFactors(n), largest);
                long product = 1;
                int shortTwos = 0;
                for (int p : stages) {
                    product *= p;
                    if (p != largest && Integer.bitCount(p) == 1) {
                        shortTwos++;
                    }
                }
                assertEquals(n, product, "stages of " + n + " with radix " + largest);
                assertTrue(shortTwos <= 1, "more than one short power-of-two stage for " + n);
            }
        }
    }

    @Test
    void modelLengthsGetTheirDocumentedStages() {
        assertArrayEquals(new int[]{2, 8, 8, 8}, FftRadices.stageOrder(FftRadices.primeFactors(1024), 8));
        assertArrayEquals(new int[]{4, 4, 4, 4, 4}, FftRadices.stageOrder(FftRadices.primeFactors(1024)));
        assertArrayEquals(new int[]{19, 3, 3, 2, 8}, FftRadices.stageOrder(FftRadices.primeFactors(2736), 8));
        assertArrayEquals(new int[]{127, 43}, FftRadices.stageOrder(FftRadices.primeFactors(5461), 8));
        assertThrows(IllegalArgumentException.class, () -> FftRadices.stageOrder(new int[]{2, 2}, 16));
    }
}
