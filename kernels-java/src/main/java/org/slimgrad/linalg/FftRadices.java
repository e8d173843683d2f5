package org.slimgrad.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * How a mixed-radix FFT of length n is split into stages, shared by the CPU's and the GPU's transforms: one stage
 * per prime factor, powers of two grouped into radix 8.
 */
public final class FftRadices {

    private FftRadices() {
    }

    /** Prime factors of n in ascending order, with multiplicity. */
    public static int[] primeFactors(int n) {
        List<Integer> primes = new ArrayList<>();
        int rest = n;
        for (int p = 2; (long) p * p <= rest; p++) {
            while (rest % p == 0) {
                primes.add(p);
                rest /= p;
            }
        }
        if (rest > 1) {
            primes.add(rest);
        }
        return primes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The radices of the stages, in execution order, for the ascending prime factors of n: large odd radices first
     * (the first stage combines transforms of length 1 and needs no twiddles, which is where the costly direct
     * butterflies save the most), then 5s and 3s, then the powers of two: one 2 or 4 for the remainder, then radix-8
     * stages. Fewer stages are fewer passes over a transform that lives in L2 (CPU) or global memory (GPU).
     */
    public static int[] stageOrder(int[] factors) {
        List<Integer> order = new ArrayList<>();
        int twos = 0;
        for (int i = factors.length - 1; i >= 0; i--) {
            if (factors[i] == 2) {
                twos++;
            } else {
                order.add(factors[i]);
            }
        }
        if (twos % 3 != 0) {
            order.add(1 << (twos % 3));
        }
        for (int i = 0; i < twos / 3; i++) {
            order.add(8);
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
