package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.trainer.FindAnomaliesJob;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.report.HtmlReport;
import dev.imageanomaly.trainer.report.ReportGatherer;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "find-anomalies", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Find the strays in an unlabelled folder that is mostly one kind of image.",
        description = {"Find the strays in a folder (or IDX file) of images that is mostly one kind, with no labels:",
            "trains on the images themselves, sets aside the --contamination share it scores highest,",
            "trains again on the rest, and ranks every image by its score through the exported ONNX graph.",
            "Writes <out>/" + FindAnomaliesCommand.RANKING + " (rank, id, score, flagged), an HTML report with a",
            "gallery of the most anomalous images in <out>/report/, and the model bundle in <out>/models/.",
            "Example: find-anomalies --input photos/ --contamination 0.02 --out runs/photos-strays"})
public final class FindAnomaliesCommand implements Callable<Integer> {

    static final String RANKING = "ranking.csv";

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "folder of images or IDX file")
    Path input;

    @Option(names = "--range", paramLabel = "FROM:TO", description = "use only images FROM (inclusive) to TO")
    String range;

    @Option(names = "--contamination", defaultValue = "0.05",
            description = "share of strays assumed, in (0, 0.5); that many are set aside and flagged (default: ${DEFAULT-VALUE})")
    double contamination;

    // knn: on six seeded mixes of 3,000 Fashion-MNIST or MNIST images of one class with 50 strays of the other
    // classes (scripts/strays-comparison.py), knn with 50 neighbours put 188 of the 300 strays in the top 100s, ae
    // 120, deep-ae 101, and PCA, IsolationForest and the 5th-neighbour distance 124, 87 and 114; among 2,000 digits
    // with 50 Fashion articles it puts 42 of them in the top 100 (deep-ae 45). It trains in seconds.
    @Option(names = "--kind", defaultValue = "knn",
            description = "any kind: knn, ae, deep-ae, conv-ae, ensemble, ... (default: ${DEFAULT-VALUE})")
    String kind;

    // More than train's 5: strays of one kind in a folder are each other's nearest neighbours, and with 5 a
    // cluster of them hides itself (12 of those 50 articles in the top 100; 20 neighbours: 29; 50: 42).
    @Option(names = "--neighbours", defaultValue = "50",
            description = "knn: nearest images whose mean distance is the score (default: ${DEFAULT-VALUE})")
    int neighbours;

    // Train's image defaults for knn (length exponent 0.15, a flat through the 10 nearest) are chosen on clean
    // training images; a folder with strays is not clean, and strays near each other pull the flat their way. On
    // the six mixes: 190 of 300 strays in the top 100s with these, 188 with the flat, 179 with train's both.
    @Option(names = "--subspace-neighbours", defaultValue = "0",
            description = "knn: also measure the distance to the flat through this many nearest images; 0 = off "
                    + "(default: ${DEFAULT-VALUE})")
    int subspaceNeighbours;

    @Option(names = "--length-exponent", defaultValue = "0.35",
            description = "knn: divide every (blurred) image by its length to this power before distances "
                    + "(default: ${DEFAULT-VALUE})")
    double lengthExponent;

    @Option(names = "--epochs", defaultValue = "10", description = "most epochs of each training (default: ${DEFAULT-VALUE})")
    int epochs;

    // The defaults below are sized for sets of a few thousand images, smaller than train's usual data: batches
    // of 32 give four times the optimizer steps of train's 128, and a wider deep-ae (code 64, hidden 512) learns
    // 2,000 digits well in 10 epochs (held-out digits vs Fashion-MNIST: AUROC 0.990; train's sizes need 30 epochs
    // for as much).
    @Option(names = "--batch-size", defaultValue = "32", description = "default: ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--latent", defaultValue = "64", description = "code size (default: ${DEFAULT-VALUE})")
    int latent;

    @Option(names = "--hidden", defaultValue = "512", description = "hidden width of deep dense kinds (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--top", defaultValue = "48", description = "images in the report's gallery (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = {"--size"}, paramLabel = "HxW", description = "resize images to this size (default: the first image's)")
    String size;

    @Option(names = "--channels", description = "1 (grey) or 3 (RGB) (default: the first image's)")
    Integer channels;

    @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--out", defaultValue = "anomalies", paramLabel = "DIR", description = "default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, was " + top);
        }
        TrainingConfig d = TrainingConfig.defaults(ModelKinds.parse(kind));
        TrainingConfig config = new TrainingConfig(d.kind(), epochs, batchSize, d.learningRate(), d.schedule(), latent,
                hidden, d.patience(), d.noiseStd(), seed, d.vae(), d.ensemble(), d.gan(),
                d.neighbours().withNeighbours(neighbours).withSubspaceNeighbours(subspaceNeighbours)
                        .withLengthExponent(lengthExponent), d.forest(), d.memberKinds(), 0);
        config.validate();
        FindAnomaliesJob.Request request = new FindAnomaliesJob.Request(
                new TrainingJob.Request("find-anomalies", "v1", out.resolve("models"), config, 0.1, 0.01), contamination);
        SampleSet images = SampleLoader.load(input, null, null, range, TrainCommand.spec(size, channels), System.out);
        FindAnomaliesJob.Result result = new FindAnomaliesJob(System.out).run(images, request);

        Files.createDirectories(out);
        Path ranking = out.resolve(RANKING);
        writeRanking(ranking, images, result);
        String assumption = String.format(Locale.ROOT, "%s: the %d images the first model scored highest were left out "
                + "of the second training; images above the %s quantile of the scores are flagged", contamination,
                result.setAside(), 1 - contamination);
        Path report;
        try (ReportGatherer gatherer = ReportGatherer.open(result.bundle())) {
            report = HtmlReport.write(gatherer.unlabelled(images, assumption, top), out.resolve("report"));
        }
        long flagged = IntStream.range(0, images.count()).filter(result::flagged).count();
        System.out.printf("flagged %d of %d images (assumed contamination %s)%n", flagged, images.count(), contamination);
        System.out.println("ranking: " + ranking);
        System.out.println("report: " + report);
        System.out.println("model bundle: " + result.bundle().directory());
        return 0;
    }

    /** Highest score first; {@code flagged} is whether the score is above the contamination threshold. */
    static void writeRanking(Path file, SampleSet images, FindAnomaliesJob.Result result) throws IOException {
        int[] order = IntStream.range(0, images.count()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -result.scores()[i]))
                .mapToInt(Integer::intValue).toArray();
        double contamination = result.bundle().manifest().threshold().rate();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("rank,id,score,flagged,assumed_contamination");
            for (int r = 0; r < order.length; r++) {
                int i = order[r];
                w.printf(Locale.ROOT, "%d,%s,%.8g,%b,%s%n", r + 1, ScoreCommand.csv(images.ids()[i]), result.scores()[i],
                        result.flagged(i), contamination);
            }
            if (w.checkError()) { // PrintWriter swallows I/O errors: a full disk must not look like success
                throw new IOException("writing the ranking to " + file + " failed");
            }
        }
    }
}
