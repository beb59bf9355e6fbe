package dev.imageanomaly.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numeric CSV tables with a header: every good row read, every bad row reported by line and skipped. */
class CsvTableTest {

    static Path resource(String name) {
        try {
            return Path.of(CsvTableTest.class.getResource("/tabular/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource tabular/" + name + " is missing", e);
        }
    }

    @Test
    void glassHas214RowsOf9FeaturesWith9Outliers() throws IOException {
        CsvTable glass = CsvTable.read(resource("glass.csv"));

        assertThat(glass.count()).isEqualTo(214);
        assertThat(glass.features()).isEqualTo(9);
        assertThat(glass.columns()).containsExactly("x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8");
        assertThat(glass.hasLabels()).isTrue();
        assertThat(glass.labelColumn()).isEqualTo("label");
        assertThat(glass.countLabel(1)).isEqualTo(9);
        assertThat(glass.countLabel(0)).isEqualTo(205);
        assertThat(glass.skipped()).isEmpty();
        assertThat(glass.data()).hasSize(214 * 9);
        // first data row: 1.52101,13.64,4.49,1.1,71.78,0.06,8.75,0.0,0.0,0
        assertThat(glass.row(0)).containsExactly(new float[] {1.52101f, 13.64f, 4.49f, 1.1f, 71.78f, 0.06f, 8.75f, 0f, 0f},
                within(1e-6f));
        assertThat(glass.labels()[0]).isZero();
    }

    @Test
    void breastwHas683RowsWith239Outliers() throws IOException {
        CsvTable breastw = CsvTable.read(resource("breastw.csv"));

        assertThat(breastw.count()).isEqualTo(683);
        assertThat(breastw.features()).isEqualTo(9);
        assertThat(breastw.countLabel(1)).isEqualTo(239);
        assertThat(breastw.countLabel(0)).isEqualTo(444);
        assertThat(breastw.skipped()).isEmpty();
        assertThat(breastw.row(1)).containsExactly(5f, 4f, 4f, 5f, 7f, 10f, 3f, 2f, 1f);
    }

    @Test
    void malformedRowsAreSkippedAndReportedByLineNumber(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("malformed.csv");
        Files.writeString(file, String.join("\n",
                "a,b,label",        // 1
                "1,2,0",            // 2 good
                "3,4",              // 3 too few values
                "5,6,1,7",          // 4 too many values
                "x,8,0",            // 5 not a number
                "NaN,1,0",          // 6 NaN
                "1,Infinity,0",     // 7 infinity
                "1,1e39,0",         // 8 overflows a float
                "",                 // 9 blank: not a row
                "9,10,1",           // 10 good
                "1,,0",             // 11 empty value
                "1,2,yes",          // 12 label not a number
                "1,2,0.5",          // 13 label not an integer
                "1.5f,2,0",         // 14 Java float suffix is not CSV
                "-1.5e-3,\"+7\",1.0" // 15 good: exponent, quotes, integral label
        ) + "\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.count()).isEqualTo(3);
        assertThat(table.row(0)).containsExactly(1f, 2f);
        assertThat(table.row(1)).containsExactly(9f, 10f);
        assertThat(table.row(2)).containsExactly(-1.5e-3f, 7f);
        assertThat(table.labels()).containsExactly(0, 1, 1);
        assertThat(table.skipped()).extracting(CsvTable.SkippedRow::line)
                .containsExactly(3, 4, 5, 6, 7, 8, 11, 12, 13, 14);
        assertThat(table.skipped().get(0).reason()).contains("2 values").contains("3 columns");
        assertThat(table.skipped().get(2).reason()).contains("'x'").contains("column 'a'");
        assertThat(table.skipped().get(3).reason()).contains("'NaN'").contains("not a finite number");
        assertThat(table.skipped().get(4).reason()).contains("'Infinity'");
        assertThat(table.skipped().get(7).reason()).contains("label 'yes'");
        assertThat(table.skipped().get(0)).hasToString("line 3: " + table.skipped().get(0).reason());
    }

    @Test
    void theLabelColumnIsConfigurableAndMayBeAnywhere() throws IOException {
        String csv = "class,f1,f2\n2,0.5,1.5\n7,2.5,3.5\n";

        CsvTable byClass = CsvTable.read(new StringReader(csv), "inline", "class");
        assertThat(byClass.columns()).containsExactly("f1", "f2");
        assertThat(byClass.labels()).containsExactly(2, 7);
        assertThat(byClass.row(1)).containsExactly(2.5f, 3.5f);

        CsvTable allFeatures = CsvTable.read(new StringReader(csv), "inline", null);
        assertThat(allFeatures.columns()).containsExactly("class", "f1", "f2");
        assertThat(allFeatures.hasLabels()).isFalse();
        assertThat(allFeatures.labels()).containsExactly(SampleSet.NO_LABEL, SampleSet.NO_LABEL);
    }

    @Test
    void withoutALabelColumnEveryColumnIsAFeatureAndRowsAreUnlabelled() throws IOException {
        CsvTable table = CsvTable.read(new StringReader("\uFEFFx,y\r\n1,2\r\n3,4\r\n"), "inline", "label");

        assertThat(table.columns()).containsExactly("x", "y");
        assertThat(table.hasLabels()).isFalse();
        assertThat(table.labels()).containsOnly(SampleSet.NO_LABEL);
        assertThat(table.data()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void manyRowsGrowTheBufferWithoutLosingAny() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 1000; i++) {
            csv.append(i).append(',').append(-i).append(',').append(i % 2).append('\n');
        }
        CsvTable table = CsvTable.read(new StringReader(csv.toString()), "inline", "label");

        assertThat(table.count()).isEqualTo(1000);
        assertThat(table.value(999, 0)).isEqualTo(999f);
        assertThat(table.value(999, 1)).isEqualTo(-999f);
        assertThat(table.countLabel(1)).isEqualTo(500);
    }

    @Test
    void aFileWithoutAUsableHeaderIsRefused(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path noHeader = Files.writeString(dir.resolve("numbers.csv"), "1,2,3\n4,5,6\n");
        Path duplicate = Files.writeString(dir.resolve("dup.csv"), "a,b,a\n1,2,3\n");
        Path onlyLabel = Files.writeString(dir.resolve("label.csv"), "label\n1\n");

        assertThatThrownBy(() -> CsvTable.read(empty)).isInstanceOf(IOException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> CsvTable.read(noHeader)).isInstanceOf(IOException.class)
                .hasMessageContaining("header row");
        assertThatThrownBy(() -> CsvTable.read(duplicate)).isInstanceOf(IOException.class)
                .hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> CsvTable.read(onlyLabel)).isInstanceOf(IOException.class)
                .hasMessageContaining("no feature columns");
    }

    @Test
    void quotedCellsMayHoldCommas() {
        assertThat(CsvTable.split("\"a,b\", c ,\"say \"\"hi\"\"\"")).isEqualTo(List.of("a,b", "c", "say \"hi\""));
    }
}
