package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.report.ReportData.Example;
import dev.imageanomaly.trainer.report.ReportData.Gallery;
import dev.imageanomaly.trainer.report.ReportData.LatentView;
import dev.imageanomaly.trainer.train.EpochMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Renders a {@link ReportData} as {@code index.html} with its PNGs beside it in one folder: no script,
 * no external resource, so the folder opens in any browser, offline, and can be copied or attached as
 * it is. Every section is there; one without content says in one line why.
 */
public final class HtmlReport {

    public static final String INDEX = "index.html";
    /** Gallery pictures are scaled up to about this many pixels on their longer side. */
    private static final int TILE_PIXELS = 84;
    private static final int GALLERY_COLUMNS = 8;
    private static final int RECONSTRUCTION_COLUMNS = 4;

    private final Path dir;
    private final StringBuilder html = new StringBuilder();

    private HtmlReport(Path dir) {
        this.dir = dir;
    }

    /** Writes the report into {@code dir} (created if needed) and returns its {@value #INDEX}. */
    public static Path write(ReportData data, Path dir) throws IOException {
        Files.createDirectories(dir);
        HtmlReport report = new HtmlReport(dir);
        report.render(data);
        Path index = dir.resolve(INDEX);
        Files.writeString(index, report.html);
        return index;
    }

    private void render(ReportData data) throws IOException {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(data.title())).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(escape(data.title())).append("</h1>\n");
        facts(data.facts());
        training(data);
        scores(data);
        labelled(data);
        mostAnomalous(data);
        reconstructions(data);
        latent(data);
        generated(data);
        html.append("</body>\n</html>\n");
    }

    private void facts(Map<String, String> facts) {
        html.append("<table class=\"facts\">\n");
        facts.forEach((k, v) -> html.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private void training(ReportData data) throws IOException {
        open("training", "Training");
        if (omitted(data.training())) {
            return;
        }
        List<EpochMetrics> history = data.training().content();
        html.append("<div class=\"row\">");
        chart(Charts.loss(history), "loss.png", "training and validation loss per epoch");
        XYChart drift = Charts.scoreDrift(history);
        if (drift != null) {
            chart(drift, "score-drift.png", "Kolmogorov-Smirnov statistic between train and validation scores per epoch");
        }
        html.append("</div>\n");
        caption("The validation loss picks the epoch kept. The Kolmogorov-Smirnov statistic compares the score "
                + "distributions of a fixed sample of training images and of the validation images: near 0 the model "
                + "scores images it trained on like unseen ones; a rising value means it is memorizing its training "
                + "images (overfitting), which the mean losses can hide."
                + (drift == null ? " This training log predates the statistic." : ""));
        close();
    }

    private void scores(ReportData data) throws IOException {
        open("scores", "Score distributions");
        chart(Charts.scoreHistograms(data.sets(), data.threshold(), data.thresholdLabel()), "score-histogram.png",
                "histogram of scores per set with the threshold");
        caption("Each set's share of images per score bin (sets of different sizes compare); the dashed line is "
                + "the bundle's threshold: images to its right are called anomalous.");
        close();
    }

    private void labelled(ReportData data) throws IOException {
        open("detection", "Detection quality (labelled data)");
        if (omitted(data.labelled())) {
            return;
        }
        ReportData.Labelled labelled = data.labelled().content();
        html.append("<div class=\"row\">");
        chart(Charts.roc(labelled), "roc.png", "ROC curve");
        chart(Charts.precisionRecall(labelled), "precision-recall.png", "precision-recall curve");
        html.append("</div>\n<div class=\"row\">");
        chart(Charts.scoresPerClass(labelled.perClass()), "scores-per-class.png", "box plots of the score per class");
        chart(Charts.confusion(labelled.atThreshold()), "confusion.png", "confusion matrix at the threshold");
        html.append("</div>\n");
        caption("The red dot marks where the bundle's threshold operates. Boxes span the middle half of each "
                + "class's scores with the median inside; whiskers reach the most extreme scores within 1.5 "
                + "interquartile ranges.");
        close();
    }

    private void mostAnomalous(ReportData data) throws IOException {
        Gallery gallery = data.mostAnomalous();
        open("most-anomalous", gallery.title());
        if (!data.input().isFeatures()) {
            List<ImageTiles.Tile> tiles = new ArrayList<>();
            for (int k = 0; k < gallery.examples().size(); k++) {
                Example e = gallery.examples().get(k);
                tiles.add(new ImageTiles.Tile(List.of(ImageTiles.picture(e.input(), 0, data.input())),
                        String.format(Locale.ROOT, "#%d %.4g", k + 1, e.score())));
            }
            picture(ImageTiles.grid(tiles, GALLERY_COLUMNS, scale(data.input())), "most-anomalous.png", gallery.title());
        }
        html.append("<table class=\"ranking\">\n<tr><th>rank</th><th>score</th><th>image</th><th>set</th></tr>\n");
        for (int k = 0; k < gallery.examples().size(); k++) {
            Example e = gallery.examples().get(k);
            html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.6g</td><td>%s</td><td>%s</td></tr>%n",
                    k + 1, e.score(), escape(e.id()), escape(e.label())));
        }
        html.append("</table>\n");
        close();
    }

    private void reconstructions(ReportData data) throws IOException {
        open("reconstructions", "Reconstructions");
        if (omitted(data.reconstructions())) {
            return;
        }
        caption("Each image: the input, the model's reconstruction, and their absolute difference (white: off by "
                + "the whole value range). A model of normal images reconstructs them well and anomalies badly.");
        int scale = scale(data.input());
        int n = 0;
        for (Gallery gallery : data.reconstructions().content()) {
            n++;
            html.append("<h3>").append(escape(gallery.title())).append("</h3>\n");
            List<ImageTiles.Tile> tiles = new ArrayList<>();
            for (Example e : gallery.examples()) {
                tiles.add(new ImageTiles.Tile(List.of(ImageTiles.picture(e.input(), 0, data.input()),
                        ImageTiles.picture(e.reconstruction(), 0, data.input()),
                        ImageTiles.difference(e.input(), e.reconstruction(), 0, data.input())),
                        String.format(Locale.ROOT, "%.4g  %s", e.score(), e.id())));
            }
            picture(ImageTiles.grid(tiles, RECONSTRUCTION_COLUMNS, scale), "reconstructions-" + n + ".png",
                    gallery.title() + ": input, reconstruction, difference");
        }
        close();
    }

    private void latent(ReportData data) throws IOException {
        open("latent", "Latent space");
        if (omitted(data.latent())) {
            return;
        }
        LatentView view = data.latent().content();
        html.append("<div class=\"row\">");
        chart(Charts.latent("Latent codes, PCA", view.pca(), view,
                String.format(Locale.ROOT, "PC 1 (%.0f %% of variance)", 100 * view.pcaExplained()[0]),
                String.format(Locale.ROOT, "PC 2 (%.0f %% of variance)", 100 * view.pcaExplained()[1])),
                "latent-pca.png", "latent codes on the two leading principal components");
        if (view.tsne().present()) {
            chart(Charts.latent("Latent codes, t-SNE", view.tsne().content(), view, "t-SNE 1", "t-SNE 2"),
                    "latent-tsne.png", "t-SNE map of the latent codes");
        }
        html.append("</div>\n");
        caption("Coloured by " + view.colouredBy() + "; " + view.note() + ". PCA keeps distances along the two "
                + "directions of largest spread; t-SNE keeps neighbourhoods (its axes and cluster sizes mean nothing)."
                + (view.tsne().present() ? "" : " No t-SNE: " + view.tsne().whyOmitted() + "."));
        close();
    }

    private void generated(ReportData data) throws IOException {
        open("generated", "Generated samples");
        if (omitted(data.generated())) {
            return;
        }
        ReportData.Generated g = data.generated().content();
        InputSpec in = data.input();
        List<ImageTiles.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < g.count(); i++) {
            tiles.add(new ImageTiles.Tile(List.of(ImageTiles.picture(g.images(), i * in.sampleSize(), in)), null));
        }
        picture(ImageTiles.grid(tiles, 8, scale(in)), "generated.png", "images drawn by the generator");
        caption(String.format("%d images the bundle's generator draws from seeded N(0, I) latent codes of %d "
                + "dimensions: what the model thinks normal images look like.", g.count(), g.latentSize()));
        close();
    }

    private static int scale(InputSpec in) {
        return Math.max(1, TILE_PIXELS / Math.max(in.height(), in.width()));
    }

    private void open(String id, String heading) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(escape(heading)).append("</h2>\n");
    }

    private void close() {
        html.append("</section>\n");
    }

    /** Writes the one-line note of an omitted part and closes its section; false when the part has content. */
    private boolean omitted(Section<?> part) {
        if (part.present()) {
            return false;
        }
        html.append("<p class=\"omitted\">Not shown: ").append(escape(part.whyOmitted())).append(".</p>\n");
        close();
        return true;
    }

    private void caption(String text) {
        html.append("<p class=\"caption\">").append(escape(text)).append("</p>\n");
    }

    private void chart(Chart<?, ?> chart, String file, String alt) throws IOException {
        Charts.savePng(chart, dir.resolve(file));
        img(file, alt);
    }

    private void picture(BufferedImage image, String file, String alt) throws IOException {
        if (!ImageIO.write(image, "png", dir.resolve(file).toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
        img(file, alt);
    }

    private void img(String file, String alt) {
        html.append("<img src=\"").append(file).append("\" alt=\"").append(escape(alt)).append("\">");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
            h1 { font-size: 1.5em; }
            h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.8em; }
            h3 { font-size: 1em; }
            .row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
            img { border: 1px solid #e4e4e4; max-width: 100%; }
            table { border-collapse: collapse; font-size: .9em; }
            th, td { text-align: left; padding: .15em .8em .15em 0; vertical-align: top; }
            table.facts th { font-weight: 600; white-space: nowrap; }
            table.ranking { margin-top: .8em; }
            table.ranking td:first-child, table.ranking td:nth-child(2) { font-variant-numeric: tabular-nums; }
            .caption { color: #555; max-width: 60em; }
            .omitted { color: #8a6d3b; background: #fcf8e3; padding: .4em .8em; display: inline-block; }
            """;
}
