package org.slimgrad.bench.report;

import java.util.List;

/**
 * Optimizer-state bytes for one MLP weight matrix W (intermediate × hidden) of each LLaMA size, fp32, by the
 * formulas of the methods (GaLore paper, Table 1 style):
 * <ul>
 *   <li>full-rank Adam: two moments of W, 2·m·n;</li>
 *   <li>GaLore (SVD projector): two moments of the projected gradient (m×r on the right side, m ≥ n) plus the
 *       basis P (n×r): 2·m·r + n·r;</li>
 *   <li>DCT projector: the same two moments plus r int32 indices (current and previous): 2·m·r + 2·r;</li>
 *   <li>SLTrain: Adam on its trained parameters B (m×r), A (r×n) and the δ·m·n sparse values:
 *       2·(m·r + r·n + nnz), plus the support's int32 CSR (m + 1 + nnz).</li>
 * </ul>
 */
public final class MemoryModel {

    /** One model size: its MLP matrix m×n and GaLore rank. */
    public record Layer(String model, int m, int n, int rank) {
    }

    /** Bytes per method for one layer. */
    public record Row(Layer layer, long fullAdam, long galore, long dct, long sltrain) {
    }

    /** The LLaMA table of DESIGN.md: hidden × intermediate and ranks 128/256/256/512/1024, W = intermediate×hidden. */
    public static final List<Layer> LAYERS = List.of(
            new Layer("60M", 1376, 512, 128),
            new Layer("130M", 2048, 768, 256),
            new Layer("350M", 2736, 1024, 256),
            new Layer("1B", 5461, 2048, 512),
            new Layer("7B", 11008, 4096, 1024));

    /** SLTrain's density. */
    public static final double DENSITY = 0.03;

    private MemoryModel() {
    }

    public static Row row(Layer l) {
        long m = l.m();
        long n = l.n();
        long r = l.rank();
        long nnz = Math.round(DENSITY * m * n);
        long full = 2 * m * n * 4;
        long galore = (2 * m * r + n * r) * 4;
        long dct = 2 * m * r * 4 + 2 * r * 4;
        long sltrain = 2 * (m * r + r * n + nnz) * 4 + (m + 1 + nnz) * 4;
        return new Row(l, full, galore, dct, sltrain);
    }

    public static List<Row> rows() {
        return LAYERS.stream().map(MemoryModel::row).toList();
    }
}
