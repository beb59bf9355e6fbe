package dev.imageanomaly.trainer.report;

import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.report.ReportData.ClassScores;
import dev.imageanomaly.trainer.report.ReportData.LatentView;
import dev.imageanomaly.trainer.train.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn by XChart: one method per chart, each with titled axes. */
final class Charts {

    static final int WIDTH = 640;
    static final int HEIGHT = 420;
    private static final int HISTOGRAM_BINS = 40;
    private static final Color THRESHOLD_COLOUR = new Color(200, 30, 30);
    /** Colour-blind-safe categorical colours (Okabe-Ito). */
    static final Color[] PALETTE = {new Color(0, 114, 178), new Color(230, 159, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(86, 180, 233), new Color(213, 94, 0), new Color(240, 228, 66),
        new Color(0, 0, 0)};

    private Charts() {}

    static XYChart loss(List<EpochMetrics> history) {
        XYChart chart = xy("Loss per epoch", "epoch", "training loss (the kind's objective)");
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        line(chart, "train", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
        line(chart, "validation", epochs, history.stream().mapToDouble(EpochMetrics::validationLoss).toArray());
        history.stream().filter(EpochMetrics::best).reduce((a, b) -> b).ifPresent(best -> {
            XYSeries kept = chart.addSeries("kept (best validation)", new double[] {best.epoch()},
                    new double[] {best.validationLoss()});
            kept.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            kept.setMarker(SeriesMarkers.DIAMOND);
        });
        integerTicks(chart);
        chart.getStyler().setYAxisDecimalPattern("0.0###");
        return chart;
    }

    /** Null when no epoch has the statistic (a log from before it was recorded). */
    static XYChart scoreDrift(List<EpochMetrics> history) {
        List<EpochMetrics> known = history.stream().filter(m -> Double.isFinite(m.trainValidationKs())).toList();
        if (known.isEmpty()) {
            return null;
        }
        XYChart chart = xy("Train vs validation score distributions", "epoch", "Kolmogorov-Smirnov statistic");
        line(chart, "KS(train scores, validation scores)", known.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                known.stream().mapToDouble(EpochMetrics::trainValidationKs).toArray());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.max(0.2, known.stream().mapToDouble(EpochMetrics::trainValidationKs)
                .max().orElse(0) * 1.2));
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        integerTicks(chart);
        return chart;
    }

    static XYChart scoreHistograms(List<ScoredImages> sets, double threshold, String thresholdLabel) {
        List<float[]> samples = new ArrayList<>(sets.stream().map(ScoredImages::scores).toList());
        samples.add(new float[] {(float) threshold});
        Curves.Histogram h = Curves.histogram(samples, HISTOGRAM_BINS);
        XYChart chart = xy("Score distributions", "score" + (h.logarithmic() ? " (log scale)" : ""),
                "share of the set's images per bin");
        if (h.logarithmic()) {
            logarithmicX(chart);
        }
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        double top = 0;
        for (int s = 0; s < sets.size(); s++) {
            double[] shares = h.shares()[s];
            // A step line needs a y for the right edge too: repeat the last bin.
            double[] y = Arrays.copyOf(shares, shares.length + 1);
            y[shares.length] = shares[shares.length - 1];
            XYSeries series = line(chart, sets.get(s).name() + " (" + sets.get(s).count() + ")", h.edges(), y);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            top = Math.max(top, Arrays.stream(shares).max().orElse(0));
        }
        verticalLine(chart, thresholdLabel, threshold, top);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    static XYChart roc(ReportData.Labelled labelled) {
        Curves.Points roc = Curves.roc(labelled.scores(), labelled.anomalous());
        DetectionMetrics m = labelled.atThreshold();
        XYChart chart = xy(String.format("ROC (AUROC %.4f)", m.auroc()), "false-positive rate", "true-positive rate");
        line(chart, "detector", roc.x(), roc.y());
        XYSeries chance = line(chart, "chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setLineColor(Color.GRAY);
        chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f}, 0f));
        operatingPoint(chart, m.falsePositiveRate(), m.recall());
        unitSquare(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    static XYChart precisionRecall(ReportData.Labelled labelled) {
        Curves.Points pr = Curves.precisionRecall(labelled.scores(), labelled.anomalous());
        DetectionMetrics m = labelled.atThreshold();
        XYChart chart = xy(String.format("Precision-recall (average precision %.4f)", m.auprc()), "recall",
                "precision");
        line(chart, "detector", pr.x(), pr.y());
        double prevalence = (double) m.anomalies() / (m.anomalies() + m.normals());
        XYSeries chance = line(chart, String.format("chance (%.2f anomalous)", prevalence), new double[] {0, 1},
                new double[] {prevalence, prevalence});
        chance.setLineColor(Color.GRAY);
        operatingPoint(chart, m.recall(), m.precision());
        unitSquare(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        return chart;
    }

    static BoxChart scoresPerClass(List<ClassScores> classes) {
        // Normal and anomalous scores often lie orders of magnitude apart: on a linear axis the normal boxes are flat.
        boolean logarithmic = classes.stream().allMatch(c -> allPositive(c.scores()));
        BoxChart chart = new BoxChartBuilder().width(Math.max(WIDTH, 64 * classes.size())).height(HEIGHT)
                .title("Score per class").xAxisTitle("class").yAxisTitle("score" + (logarithmic ? " (log scale)" : ""))
                .build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setBoxWidthFraction(0.5);
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.getStyler().setXAxisLabelRotation(classes.size() > 8 ? 45 : 0);
        chart.getStyler().setXAxisTickMarkSpacingHint(30); // a label under every box, not every other one
        for (ClassScores c : classes) {
            double[] values = new double[c.scores().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.scores()[i];
            }
            chart.addSeries(c.name(), values);
        }
        return chart;
    }

    static HeatMapChart confusion(DetectionMetrics m) {
        HeatMapChart chart = new HeatMapChartBuilder().width(460).height(HEIGHT)
                .title(String.format("Confusion at threshold %.4g", m.threshold()))
                .xAxisTitle("predicted").yAxisTitle("actual").build();
        style(chart.getStyler());
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        chart.getStyler().setHeatMapValueDecimalPattern("#,##0");
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new Color[] {new Color(240, 246, 252), new Color(33, 113, 181)});
        // Rows are drawn bottom-up; listing "anomalous" first puts "normal" on top, the diagonal top-left to bottom-right.
        List<Number[]> cells = List.of(
                new Number[] {0, 1, m.trueNegatives()}, new Number[] {1, 1, m.falsePositives()},
                new Number[] {0, 0, m.falseNegatives()}, new Number[] {1, 0, m.truePositives()});
        chart.addSeries("images", List.of("normal", "anomalous"), List.of("anomalous", "normal"), cells);
        return chart;
    }

    static XYChart latent(String title, double[][] points, LatentView view, String xTitle, String yTitle) {
        XYChart chart = xy(title, xTitle, yTitle);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (int g = 0; g < view.groups().size(); g++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < points.length; i++) {
                if (view.groupOf()[i] == g) {
                    xs.add(points[i][0]);
                    ys.add(points[i][1]);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries series = chart.addSeries(view.groups().get(g), xs, ys);
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setMarkerColor(groupColour(g, view.groups().size(), view.colouredBy()));
            }
        }
        return chart;
    }

    /** Writes the chart as PNG. */
    static void savePng(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Score groups go from light to dark in one hue (an order); label groups get distinct colours. */
    private static Color groupColour(int group, int groups, String colouredBy) {
        if (!colouredBy.startsWith("score")) {
            return PALETTE[group % PALETTE.length];
        }
        float t = groups == 1 ? 1 : (float) group / (groups - 1);
        return new Color(Math.round(250 - 190 * t), Math.round(200 - 170 * t), Math.round(90 - 60 * t));
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setSeriesColors(PALETTE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    private static void style(AxesChartStyler styler) {
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    private static void verticalLine(XYChart chart, String name, double x, double top) {
        XYSeries line = line(chart, name, new double[] {x, x}, new double[] {0, top * 1.05});
        line.setLineColor(THRESHOLD_COLOUR);
        line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f));
    }

    private static void operatingPoint(XYChart chart, double x, double y) {
        XYSeries point = chart.addSeries("at the bundle's threshold", new double[] {x}, new double[] {y});
        point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        point.setMarker(SeriesMarkers.CIRCLE);
        point.setMarkerColor(THRESHOLD_COLOUR);
    }

    private static void unitSquare(XYChart chart) {
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.05);
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisTickMarkSpacingHint(60);
    }

    /**
     * A log axis with labels at 1, 2 and 5 times powers of ten: XChart labels either decades only (one
     * label when scores span less than a decade) or every tick (unreadably dense).
     */
    private static void logarithmicX(XYChart chart) {
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Charts::oneTwoFiveLabel);
    }

    static String oneTwoFiveLabel(double value) {
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(1));
        if (rounded.compareTo(BigDecimal.ZERO) <= 0 || Math.abs(rounded.doubleValue() - value) > 1e-6 * value) {
            return "";
        }
        int mantissa = rounded.unscaledValue().intValue();
        return mantissa == 1 || mantissa == 2 || mantissa == 5 ? rounded.stripTrailingZeros().toPlainString() : "";
    }

    private static boolean allPositive(float[] values) {
        for (float v : values) {
            if (!(v > 0)) {
                return false;
            }
        }
        return values.length > 0;
    }

    private static void integerTicks(XYChart chart) {
        chart.getStyler().setXAxisDecimalPattern("0");
    }
}
