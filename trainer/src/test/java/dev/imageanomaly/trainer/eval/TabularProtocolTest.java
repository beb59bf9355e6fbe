package dev.imageanomaly.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.CsvTable;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TabularProtocolTest {

    /** breastw: 683 rows, 239 of them outliers. */
    static SampleSet breastw() throws Exception {
        return FeatureTables.raw(CsvTable.read(ShippedData.path("tabular/breastw.csv")), "breastw");
    }

    @Test
    void adbenchsUnsupervisedProtocolTrainsOnSeventyPercentOutliersIncludedAndTestsOnTheRestStratified()
            throws Exception {
        TabularProtocol protocol = TabularProtocol.unsupervised(breastw(), 1);

        assertThat(protocol.train().count() + protocol.test().count()).isEqualTo(683);
        assertThat(protocol.test().count()).isBetween(203, 207);
        assertThat(protocol.train().labelled()).as("the detector is not told which rows are outliers").isFalse();
        long testOutliers = Arrays.stream(protocol.test().labels()).filter(l -> l == 1).count();
        assertThat(testOutliers).as("30 % of the 239 outliers").isBetween(71L, 73L);
        assertThat(columnMean(protocol.train(), 0)).as("standardized on the training rows").isCloseTo(0, within());
    }

    @Test
    void theCleanProtocolTrainsOnHalfTheInliersAndTestsOnTheOtherHalfAndEveryOutlier() throws Exception {
        TabularProtocol protocol = TabularProtocol.split(breastw(), 1);

        assertThat(protocol.train().count()).isEqualTo(222);
        assertThat(Arrays.stream(protocol.train().labels()).allMatch(l -> l == 0)).isTrue();
        assertThat(Arrays.stream(protocol.test().labels()).filter(l -> l == 1).count()).isEqualTo(239);
    }

    @Test
    void theSplitsAreRepeatableBySeedAndDifferAcrossSeeds() throws Exception {
        SampleSet table = breastw();

        assertThat(TabularProtocol.unsupervised(table, 3).test().ids())
                .isEqualTo(TabularProtocol.unsupervised(table, 3).test().ids())
                .isNotEqualTo(TabularProtocol.unsupervised(table, 4).test().ids());
    }

    private static double columnMean(SampleSet rows, int column) {
        int width = rows.spec().sampleSize();
        double sum = 0;
        for (int i = 0; i < rows.count(); i++) {
            sum += rows.data()[i * width + column];
        }
        return sum / rows.count();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-4);
    }
}
