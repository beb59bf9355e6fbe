package dev.imageanomaly.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Chart details with logic of their own. */
class ChartsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0.001 | 0.001", "0.002 | 0.002", "0.005 | 0.005", "0.05 | 0.05", "1 | 1", "20 | 20",
        "0.003 | ''", "0.004 | ''", "0.0021 | ''", "70 | ''"})
    void logAxesAreLabelledAtOneTwoAndFiveTimesPowersOfTen(double tick, String label) {
        assertThat(Charts.oneTwoFiveLabel(tick)).isEqualTo(label);
    }
}
