package dev.imageanomaly.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The per-epoch metrics, written as each epoch ends so a running training can be followed: JSON lines
 * (one object per epoch) and the same numbers as CSV with a header row beside it, which pandas,
 * gnuplot and spreadsheets open as they are. Both take their fields from {@link EpochMetrics}, so a
 * field added there appears in both files.
 */
public final class EpochMetricsLog implements Closeable {

    /** The log's name in a bundle; its CSV sibling is {@code training-metrics.csv}. */
    public static final String FILE = "training-metrics.jsonl";

    private static final RecordComponent[] FIELDS = EpochMetrics.class.getRecordComponents();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Writer jsonLines;
    private final Writer csv;

    private EpochMetricsLog(Writer jsonLines, Writer csv) {
        this.jsonLines = jsonLines;
        this.csv = csv;
    }

    /** Starts {@code jsonLines} and {@link #csvBeside(Path) its CSV sibling}, replacing earlier files. */
    public static EpochMetricsLog open(Path jsonLines) throws IOException {
        Writer json = Files.newBufferedWriter(jsonLines);
        try {
            Writer csv = Files.newBufferedWriter(csvBeside(jsonLines));
            csv.write(csvHeader() + "\n");
            csv.flush();
            return new EpochMetricsLog(json, csv);
        } catch (IOException e) {
            json.close();
            throw e;
        }
    }

    /**
     * Continues {@code jsonLines} and its CSV sibling, starting them (CSV header included) when they do
     * not exist: the networks of one training job (ensemble members, GAN phases) log in turn.
     */
    public static EpochMetricsLog continuing(Path jsonLines) throws IOException {
        Path csvPath = csvBeside(jsonLines);
        boolean fresh = !Files.exists(csvPath) || Files.size(csvPath) == 0;
        Writer json = Files.newBufferedWriter(jsonLines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        try {
            Writer csv = Files.newBufferedWriter(csvPath, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                csv.write(csvHeader() + "\n");
                csv.flush();
            }
            return new EpochMetricsLog(json, csv);
        } catch (IOException e) {
            json.close();
            throw e;
        }
    }

    /** A log that keeps nothing, for trainings with no bundle folder to log into (tests, parity checks). */
    public static EpochMetricsLog none() {
        return new EpochMetricsLog(Writer.nullWriter(), Writer.nullWriter());
    }

    /** {@code training-metrics.jsonl} -> {@code training-metrics.csv} in the same folder. */
    public static Path csvBeside(Path jsonLines) {
        String name = jsonLines.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return jsonLines.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".csv");
    }

    public void append(EpochMetrics m) {
        try {
            jsonLines.write(JSON.writeValueAsString(m) + "\n");
            jsonLines.flush();
            csv.write(csvRow(m) + "\n");
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training metrics log: " + e.getMessage(), e);
        }
    }

    /** The record's field names, in order: {@code epoch,trainLoss,validationLoss,...}. */
    static String csvHeader() {
        return Arrays.stream(FIELDS).map(RecordComponent::getName).collect(Collectors.joining(","));
    }

    /** Java's own number format: a '.' decimal point whatever the locale, and NaN as NaN (pandas reads both). */
    static String csvRow(EpochMetrics m) {
        return Arrays.stream(FIELDS).map(f -> String.valueOf(valueOf(f, m))).collect(Collectors.joining(","));
    }

    /**
     * Reads a JSON-lines log back, e.g. from a bundle for its evaluation report. A number a log from
     * an older trainer lacks reads as NaN, not as a misleading zero.
     */
    public static List<EpochMetrics> read(Path jsonLines) throws IOException {
        List<EpochMetrics> history = new ArrayList<>();
        for (String line : Files.readAllLines(jsonLines)) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode node = (ObjectNode) JSON.readTree(line);
            for (RecordComponent f : FIELDS) {
                if (f.getType() == double.class && !node.has(f.getName())) {
                    node.put(f.getName(), Double.NaN);
                }
            }
            history.add(JSON.treeToValue((JsonNode) node, EpochMetrics.class));
        }
        return history;
    }

    private static Object valueOf(RecordComponent field, EpochMetrics m) {
        try {
            return field.getAccessor().invoke(m);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + field.getName() + " of " + m, e);
        }
    }

    @Override
    public void close() throws IOException {
        try (jsonLines; csv) {
            // both closed, the second even when the first fails
        }
    }
}
