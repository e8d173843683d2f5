package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stage plans of the mixed-radix FFTs: every factor used once, powers of two grouped as documented. */
class FftRadicesTest {

    @Test
    void stagesMultiplyToTheLengthWithAtMostOneShortPowerOfTwo() {
        for (int n = 1; n <= 5000; n++) {
            int[] stages = FftRadices.stageOrder(FftRadices.primeFactors(n));
            long product = 1;
            int shortTwos = 0;
            for (int p : stages) {
                product *= p;
                if (p != 8 && Integer.bitCount(p) == 1) {
                    shortTwos++;
                }
            }
            assertEquals(n, product, "stages of " + n);
            assertTrue(shortTwos <= 1, "more than one short power-of-two stage for " + n);
        }
    }

    @Test
    void modelLengthsGetTheirDocumentedStages() {
        assertArrayEquals(new int[]{2, 8, 8, 8}, FftRadices.stageOrder(FftRadices.primeFactors(1024)));
        assertArrayEquals(new int[]{19, 3, 3, 2, 8}, FftRadices.stageOrder(FftRadices.primeFactors(2736)));
        assertArrayEquals(new int[]{127, 43}, FftRadices.stageOrder(FftRadices.primeFactors(5461)));
    }
}
