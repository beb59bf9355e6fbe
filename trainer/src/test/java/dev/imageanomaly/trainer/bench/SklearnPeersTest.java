package dev.imageanomaly.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.CsvTable;
import dev.imageanomaly.trainer.data.FeatureTables;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.eval.TabularProtocol;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scikit-learn peers: they score like the library does where Python has it, and are skipped in one line where not. */
class SklearnPeersTest {

    @Test
    void withoutPythonThePeersAreUnavailableAndSayWhy(@TempDir Path work) {
        SklearnPeers.Availability peers = SklearnPeers.find(work.resolve("no-python-here"), work);

        assertThat(peers.available()).isFalse();
        assertThat(peers.reason()).contains("no-python-here").contains("not found").doesNotContain("\n");
    }

    @Test
    void aPythonWithoutScikitLearnIsNamedWithTheImportError(@TempDir Path work) {
        assumeTrue(Path.of("/bin/sh").toFile().canExecute());

        SklearnPeers.Availability peers = SklearnPeers.find(Path.of("/bin/sh"), work);

        assertThat(peers.available()).isFalse();
        assertThat(peers.reason()).startsWith("/bin/sh cannot run the peers").doesNotContain("\n");
    }

    @Test
    void everyPeerSeparatesTheBreastCancerOutliers(@TempDir Path work) throws Exception {
        SklearnPeers.Availability found = SklearnPeers.find(Path.of(SklearnPeers.DEFAULT_PYTHON), work);
        assumeTrue(found.available(), () -> "peers unavailable: " + found.reason());
        TabularProtocol protocol = TabularProtocol.split(
                FeatureTables.raw(CsvTable.read(ShippedData.path("tabular/breastw.csv")), "breastw"), 1);

        List<SklearnPeers.PeerScores> scores = found.peers().score(protocol.train(), protocol.test(), 42);

        assertThat(scores).extracting(SklearnPeers.PeerScores::name).containsExactlyElementsOf(SklearnPeers.NAMES);
        for (SklearnPeers.PeerScores peer : scores) {
            assertThat(peer.scores()).hasSize(protocol.test().count());
            assertThat(DetectionMetrics.auroc(peer.scores(), protocol.test().labels())).as(peer.name())
                    .isGreaterThan(0.9);
            assertThat(peer.seconds()).as(peer.name()).isNotNegative();
        }
    }
}
