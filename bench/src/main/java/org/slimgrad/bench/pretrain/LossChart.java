package org.slimgrad.bench.pretrain;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The loss-curve chart the pretraining jobs write: one line per method, an optional floor line. */
final class LossChart {

    private LossChart() {
    }

    /** Curves: method label to (step, loss) points; {@code floor} NaN for none. */
    static void save(Path file, String title, Map<String, double[][]> curves, double floor) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> curve : curves.entrySet()) {
            XYSeries series = new XYSeries(curve.getKey());
            for (double[] point : curve.getValue()) {
                series.add(point[0], point[1]);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "step", "cross-entropy (nats)", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setBackgroundPaint(Color.WHITE);
        chart.getXYPlot().setRangeGridlinePaint(Color.GRAY);
        if (!Double.isNaN(floor)) {
            chart.getXYPlot().addRangeMarker(new ValueMarker(floor, Color.BLACK, new BasicStroke(1.5f)));
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 500);
    }
}
