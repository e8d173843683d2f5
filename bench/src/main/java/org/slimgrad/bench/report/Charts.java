package org.slimgrad.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.ChartFactory;
import org.jfree.data.category.DefaultCategoryDataset;

/** The report's charts, drawn with JFreeChart into PNG files. */
final class Charts {

    private static final int WIDTH = 1000;

    private Charts() {
    }

    /** Writes the charts into dir and returns their file names. */
    static List<String> write(Path dir, Report report, List<MemoryModel.Row> memory) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> names = new ArrayList<>();
        names.add(save(dir, "speedup.png", speedups(report), 60 + 28 * report.groups().size()));
        names.add(save(dir, "memory.png", memory(memory), 500));
        JFreeChart refresh = refresh(report);
        if (refresh != null) {
            names.add(save(dir, "refresh.png", refresh, 500));
        }
        return names;
    }

    private static String save(Path dir, String name, JFreeChart chart, int height) throws IOException {
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, Math.max(300, height));
        return name;
    }

    // one horizontal bar per kernel and shape: best peer's time / slimgrad's, on a log axis
    private static JFreeChart speedups(Report report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Report.Group g : report.groups()) {
            data.addValue(g.speedup(), "speed-up vs best peer", g.kernel() + ", " + g.shape());
        }
        JFreeChart chart = ChartFactory.createBarChart("slimgrad speed-up over the best peer (same run)", null,
                "best peer's time / slimgrad's time", data, PlotOrientation.HORIZONTAL, false, false, false);
        logAxis(chart, "best peer's time / slimgrad's time (log scale; line at 1 = parity)", data);
        ValueMarker parity = new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f));
        chart.getCategoryPlot().addRangeMarker(parity);
        return chart;
    }

    private static JFreeChart memory(List<MemoryModel.Row> memory) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (MemoryModel.Row r : memory) {
            String model = r.layer().model() + " (" + r.layer().m() + "x" + r.layer().n() + ")";
            data.addValue(r.fullAdam() / 1048576.0, "full-rank Adam", model);
            data.addValue(r.galore() / 1048576.0, "GaLore (SVD projector)", model);
            data.addValue(r.dct() / 1048576.0, "DCT projector", model);
            data.addValue(r.sltrain() / 1048576.0, "SLTrain (sparse + low-rank)", model);
        }
        JFreeChart chart = ChartFactory.createBarChart("Optimizer state of one MLP matrix, fp32", "model",
                "MiB", data, PlotOrientation.VERTICAL, true, false, false);
        logAxis(chart, "MiB (log scale)", data);
        return chart;
    }

    // refresh time against layer size for every projector-refresh implementation, null when none was measured
    private static JFreeChart refresh(Report report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Report.Group g : report.groups()) {
            if (!g.kernel().equals("projector refresh")) {
                continue;
            }
            data.addValue(g.ours().result().score(), g.ours().kase().implementation(), g.shape());
            for (Report.Row peer : g.peers()) {
                data.addValue(peer.result().score(), peer.kase().implementation(), g.shape());
            }
        }
        if (data.getColumnCount() == 0) {
            return null;
        }
        JFreeChart chart = ChartFactory.createLineChart("Projector refresh time against layer size", "layer (m x n)",
                "ms", data, PlotOrientation.VERTICAL, true, false, false);
        logAxis(chart, "ms per refresh (log scale)", data);
        return chart;
    }

    // a log axis spanning the data (bars on a log axis start at its lower bound), plain-number ticks, white plot
    private static void logAxis(JFreeChart chart, String label, DefaultCategoryDataset data) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null && v.doubleValue() > 0) {
                    min = Math.min(min, v.doubleValue());
                    max = Math.max(max, v.doubleValue());
                }
            }
        }
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setNumberFormatOverride(new DecimalFormat("0.###"));
        axis.setRange(Math.min(min, 1) / 1.5, max * 1.5);
        plot.setRangeAxis(axis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.GRAY);
    }
}
