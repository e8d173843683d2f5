package org.slimgrad.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bytes a model's optimizers and layers hold between steps and the peak their steps allocate on top, summed,
 * beside what full-rank Adam would hold for the same weights (two fp32 moments per weight). Shared workspaces are
 * added once with {@link #addShared}.
 */
public final class MemoryReport {

    /** One component: bytes held, peak transient bytes of its step, and full-rank Adam's bytes for its weights. */
    public record Entry(String name, long heldBytes, long peakStepBytes, long fullRankAdamBytes) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds an optimizer: its state, its refresh step's transient bytes, and full Adam's 2·m·n floats. */
    public MemoryReport add(String name, LowRankAdam optimizer) {
        entries.add(new Entry(name, optimizer.bytesHeld(), optimizer.peakStepBytes(), optimizer.fullRankAdamBytes()));
        return this;
    }

    /**
     * Adds a sparse-plus-low-rank layer: parameters, support, gradients and its kept activation workspace held (its
     * steps allocate nothing once the workspace exists), and full Adam's bytes for a dense weight of the same shape
     * (for comparison only: the layer's own optimizer is added separately).
     */
    public MemoryReport add(String name, SparsePlusLowRankLinear layer) {
        entries.add(new Entry(name, layer.parameterBytes() + layer.supportBytes() + layer.gradientBytes()
                + layer.workspaceBytes(), 0, 2 * layer.denseWeightBytes()));
        return this;
    }

    /** Adds any other component by its figures (a full-rank optimizer, an embedding table). */
    public MemoryReport add(String name, long heldBytes, long peakStepBytes, long fullRankAdamBytes) {
        entries.add(new Entry(name, heldBytes, peakStepBytes, fullRankAdamBytes));
        return this;
    }

    /** Adds bytes shared by several components (a shared projected workspace), held once. */
    public MemoryReport addShared(String name, long bytes) {
        entries.add(new Entry(name, bytes, 0, 0));
        return this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Sum of bytes held. */
    public long heldBytes() {
        return entries.stream().mapToLong(Entry::heldBytes).sum();
    }

    /** The largest single step's transient bytes: steps of different layers do not overlap. */
    public long peakStepBytes() {
        return entries.stream().mapToLong(Entry::peakStepBytes).max().orElse(0);
    }

    /** Full-rank Adam's bytes for the same weights. */
    public long fullRankAdamBytes() {
        return entries.stream().mapToLong(Entry::fullRankAdamBytes).sum();
    }

    /** Held bytes over full-rank Adam's. */
    public double fractionOfFullRankAdam() {
        return (double) heldBytes() / fullRankAdamBytes();
    }

    /** A plain-text table, one line per component and a total. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-28s %14s %14s %14s%n", "component",
                "held B", "peak step B", "full Adam B"));
        for (Entry e : entries) {
            out.append(String.format(Locale.ROOT, "%-28s %14d %14d %14d%n", e.name(), e.heldBytes(),
                    e.peakStepBytes(), e.fullRankAdamBytes()));
        }
        out.append(String.format(Locale.ROOT, "%-28s %14d %14d %14d  (%.1f%% of full Adam)%n", "total", heldBytes(),
                peakStepBytes(), fullRankAdamBytes(), 100 * fractionOfFullRankAdam()));
        return out.toString();
    }
}
