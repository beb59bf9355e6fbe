package dev.imageanomaly.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CSV file of numeric columns with a header row, for tabular models: {@code count} rows of
 * {@code features} floats laid out back to back in {@code data} (like {@link SampleSet}), the feature
 * column names in file order, and a label per row taken from the label column ({@link SampleSet#NO_LABEL}
 * for every row when the file has none).
 *
 * <p>A row that cannot be used (wrong number of values, a value that is not a finite decimal number,
 * a label that is not an integer) is skipped and listed in {@code skipped} with its line number and
 * the reason; one bad row never ends the read, and no row is dropped silently. Blank lines are not
 * rows and are ignored. Values may be enclosed in double quotes.
 *
 * @param columns the feature column names, without the label column
 * @param labelColumn the name of the label column, or null when the file has none
 */
public record CsvTable(List<String> columns, float[] data, int count, int features, String labelColumn, int[] labels,
        List<SkippedRow> skipped) {

    /** The label column read by {@link #read(Path)}. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    private static final Logger log = LoggerFactory.getLogger(CsvTable.class);
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** A row that was not read, by its 1-based line number in the file (the header is line 1). */
    public record SkippedRow(int line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    public CsvTable {
        if (features != columns.size() || data.length != (long) count * features || labels.length != count) {
            throw new IllegalArgumentException("table arrays do not match " + count + " rows of " + features + " features");
        }
    }

    /** Reads a file whose optional label column is named {@value #DEFAULT_LABEL_COLUMN}. */
    public static CsvTable read(Path file) throws IOException {
        return read(file, DEFAULT_LABEL_COLUMN);
    }

    /**
     * @param labelColumn the column holding integer labels, if the file has it; null reads every column as a feature
     * @throws IOException when the file cannot be read or has no usable header row
     */
    public static CsvTable read(Path file, String labelColumn) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), labelColumn);
        }
    }

    /** @param source a name for the input in messages (usually the file name) */
    public static CsvTable read(Reader reader, String source, String labelColumn) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String headerLine = in.readLine();
        int lineNumber = 1;
        while (headerLine != null && headerLine.isBlank()) {
            headerLine = in.readLine();
            lineNumber++;
        }
        if (headerLine == null) {
            throw new IOException(source + " is empty: a CSV table needs a header row of column names");
        }
        if (headerLine.startsWith("\uFEFF")) {
            headerLine = headerLine.substring(1);
        }
        List<String> header = split(headerLine);
        validateHeader(header, source, lineNumber);
        int labelIndex = labelColumn == null ? -1 : header.indexOf(labelColumn);
        List<String> columns = new ArrayList<>(header);
        if (labelIndex >= 0) {
            columns.remove(labelIndex);
        }
        if (columns.isEmpty()) {
            throw new IOException(source + " has no feature columns besides the label column '" + labelColumn + "'");
        }
        int features = columns.size();

        float[] data = new float[features * 256];
        int[] labels = new int[256];
        int count = 0;
        List<SkippedRow> skipped = new ArrayList<>();
        float[] row = new float[features];
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(line);
            String problem = null;
            int label = SampleSet.NO_LABEL;
            if (cells.size() != header.size()) {
                problem = "has " + cells.size() + " values, the header has " + header.size() + " columns";
            } else {
                int f = 0;
                for (int c = 0; c < cells.size() && problem == null; c++) {
                    String cell = cells.get(c);
                    if (c == labelIndex) {
                        Integer parsed = parseLabel(cell);
                        if (parsed == null) {
                            problem = "label '" + cell + "' in column '" + header.get(c) + "' is not an integer";
                        } else {
                            label = parsed;
                        }
                    } else {
                        float v = parseValue(cell);
                        if (Float.isNaN(v)) {
                            problem = "value '" + cell + "' in column '" + header.get(c) + "' is not a finite number";
                        } else {
                            row[f++] = v;
                        }
                    }
                }
            }
            if (problem != null) {
                skipped.add(new SkippedRow(lineNumber, problem));
                continue;
            }
            if (count == labels.length) {
                labels = Arrays.copyOf(labels, count * 2);
                data = Arrays.copyOf(data, count * 2 * features);
            }
            System.arraycopy(row, 0, data, count * features, features);
            labels[count] = label;
            count++;
        }
        if (!skipped.isEmpty()) {
            log.warn("{} rows of {} could not be read and were skipped: {}", skipped.size(), source,
                    skipped.size() <= 5 ? skipped : skipped.subList(0, 5) + " and " + (skipped.size() - 5) + " more");
        }
        return new CsvTable(List.copyOf(columns), Arrays.copyOf(data, count * features), count, features,
                labelIndex >= 0 ? labelColumn : null, Arrays.copyOf(labels, count), List.copyOf(skipped));
    }

    /** Whether the file had the label column (then every row read has a label). */
    public boolean hasLabels() {
        return labelColumn != null;
    }

    /** How many rows carry this label. */
    public int countLabel(int label) {
        return (int) Arrays.stream(labels).filter(l -> l == label).count();
    }

    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * features, (i + 1) * features);
    }

    public float value(int row, int feature) {
        return data[row * features + feature];
    }

    private static void validateHeader(List<String> header, String source, int line) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (name.isEmpty()) {
                throw new IOException(source + " line " + line + ": column " + (c + 1) + " of the header has no name");
            }
            if (!seen.add(name)) {
                throw new IOException(source + " line " + line + ": column name '" + name + "' appears twice in the header");
            }
        }
        if (header.stream().allMatch(name -> DECIMAL.matcher(name).matches())) {
            throw new IOException(source + " line " + line + " holds numbers, not column names: a CSV table needs a "
                    + "header row");
        }
    }

    /** A finite float, or NaN when the text is not a plain decimal number or overflows a float. */
    private static float parseValue(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            return Float.NaN;
        }
        float v = Float.parseFloat(text);
        return Float.isFinite(v) ? v : Float.NaN;
    }

    private static Integer parseLabel(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            return null;
        }
        double v = Double.parseDouble(text);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            return null;
        }
        return (int) v;
    }

    /** Splits one line at commas outside double quotes; trims each cell and removes its quotes. */
    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString().trim());
        return cells;
    }
}
