package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.trainer.data.CsvTable;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/** Where samples come from (images, or a CSV table of features) and which of them to use; shared by every command that reads them. */
final class SampleLoader {

    private SampleLoader() {}

    /**
     * Loads, filters and preprocesses a source.
     *
     * @param classes keep only these labels (empty: all)
     * @param range {@code from:to} over the file's order (before class filtering), null for all
     * @param spec the input spec; null derives it from the first image
     */
    static SampleSet load(Path source, Path labels, List<Integer> classes, String range, InputSpec spec,
            PrintStream console) throws IOException {
        boolean tabular = source.getFileName().toString().toLowerCase().endsWith(".csv");
        if (tabular && spec != null && !spec.isFeatures()) {
            throw new IllegalArgumentException("the model scores images, but " + source + " is a CSV table");
        }
        if (!tabular && spec != null && spec.isFeatures()) {
            throw new IllegalArgumentException("the model scores CSV feature vectors, but " + source + " is not a .csv file");
        }
        SampleSet set = tabular ? readTable(source, console) : readImages(source, labels, spec, console);
        if (range != null) {
            int[] bounds = parseRange(range, set.count());
            set = set.subset(java.util.stream.IntStream.range(bounds[0], bounds[1]).toArray());
        }
        if (classes != null && !classes.isEmpty()) {
            if (!set.labelled()) {
                throw new IllegalArgumentException("--classes needs labels, but " + source + " has none "
                        + "(give an IDX label file, or sub-folders per class)");
            }
            set = set.withLabels(new HashSet<>(classes));
        }
        if (set.count() == 0) {
            throw new IllegalArgumentException("no samples left from " + source + " after filtering");
        }
        // Statistics come from the rows kept, i.e. the rows a model trains on; scoring reuses the bundle's.
        return tabular ? FeatureTables.standardize(set, spec != null ? spec : FeatureTables.fit(set)) : set;
    }

    private static SampleSet readImages(Path source, Path labels, InputSpec spec, PrintStream console)
            throws IOException {
        LoadedImages loaded = ImageSources.load(source, labels);
        if (!loaded.skipped().isEmpty()) {
            console.printf("%d unreadable files in %s were skipped:%n", loaded.skipped().size(), source);
            loaded.skipped().forEach(s -> console.println("  " + s));
        }
        if (loaded.images().isEmpty()) {
            throw new IllegalArgumentException("no readable images in " + source
                    + (loaded.skipped().isEmpty() ? "" : " (" + loaded.skipped().size() + " unreadable files skipped)"));
        }
        return SampleSet.preprocess(loaded, spec != null ? spec : loaded.nativeSpec());
    }

    /** Rows of a CSV table, raw; the optional {@code label} column gives labels (for --classes). */
    private static SampleSet readTable(Path source, PrintStream console) throws IOException {
        if (!Files.exists(source)) {
            throw new IOException("no such file: " + source);
        }
        CsvTable table = CsvTable.read(source);
        if (!table.skipped().isEmpty()) {
            console.printf("%d unusable rows in %s were skipped:%n", table.skipped().size(), source);
            table.skipped().forEach(s -> console.println("  " + s));
        }
        return FeatureTables.raw(table, source.getFileName().toString());
    }

    static int[] parseRange(String range, int count) {
        String[] parts = range.split(":", -1);
        try {
            int from = parts[0].isEmpty() ? 0 : Integer.parseInt(parts[0]);
            int to = parts.length < 2 || parts[1].isEmpty() ? count : Integer.parseInt(parts[1]);
            if (parts.length != 2 || from < 0 || to > count || from >= to) {
                throw new NumberFormatException();
            }
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("range '" + range + "' must be FROM:TO with 0 <= FROM < TO <= "
                    + count + " (either side may be empty)");
        }
    }
}
