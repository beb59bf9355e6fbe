package dev.imageanomaly.trainer.cli;

import static dev.imageanomaly.trainer.cli.TrainerCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.PngEncoder;
import dev.imageanomaly.scoring.source.IdxFiles;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.cli.TrainerCliTest.Run;
import dev.imageanomaly.trainer.data.Splits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** find-anomalies on unlabelled folders: strays found without labels, and bad input named. */
class FindAnomaliesTest {

    /**
     * 2,000 MNIST digits and 50 Fashion-MNIST articles as PNGs under shuffled neutral names in one folder,
     * nothing telling them apart but their pixels.
     */
    @Test
    void findsMostOfFiftyFashionArticlesHiddenAmongTwoThousandDigits(@TempDir Path work) throws IOException {
        List<DecodedImage> digits = IdxFiles.readImages(ShippedData.path("mnist-10k-images-idx3-ubyte.gz"))
                .subList(0, 2000);
        List<DecodedImage> articles = IdxFiles.readImages(ShippedData.path("fashion-mnist-test-images-idx3-ubyte.gz"))
                .subList(0, 50);
        Path folder = Files.createDirectories(work.resolve("mixed"));
        Set<String> strays = new HashSet<>();
        int[] order = Splits.permutation(2050, new Random(7));
        for (int k = 0; k < order.length; k++) {
            String name = String.format("img-%04d.png", k);
            boolean stray = order[k] >= 2000;
            DecodedImage image = stray ? articles.get(order[k] - 2000) : digits.get(order[k]);
            Files.write(folder.resolve(name), PngEncoder.encode(image));
            if (stray) {
                strays.add(name);
            }
        }
        Path out = work.resolve("out");

        long start = System.nanoTime();
        Run run = cli("find-anomalies", "--input", folder.toString(), "--out", out.toString());
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(out.resolve(FindAnomaliesCommand.RANKING));
        assertThat(lines.get(0)).isEqualTo("rank,id,score,flagged,assumed_contamination");
        assertThat(lines).hasSize(2051);
        long found = lines.subList(1, 101).stream().map(line -> line.split(",")[1]).filter(strays::contains).count();
        System.out.printf("find-anomalies: %d of 50 strays in the top 100, %.1f s%n", found, seconds);
        assertThat(found).as("strays among the 100 highest-ranked").isGreaterThanOrEqualTo(40);

        long flagged = lines.stream().skip(1).filter(line -> line.split(",")[3].equals("true")).count();
        assertThat(flagged).as("5 %% of 2,050 flagged").isBetween(100L, 104L);
        assertThat(lines.get(1)).endsWith(",true,0.05");
        assertThat(run.out()).contains("assuming 5.0 % contamination: 103 of 2050 images are strays")
                .contains("flagged").contains("(assumed contamination 0.05)");
        ModelBundle bundle = ModelBundle.load(out.resolve("models").resolve("find-anomalies").resolve("v1"));
        assertThat(bundle.manifest().threshold().method()).isEqualTo("contamination");
        assertThat(bundle.manifest().training()).containsEntry("setAsideByFirstPass", 103);
        String report = Files.readString(out.resolve("report").resolve("index.html"));
        assertThat(report).contains("assumed contamination").contains("most-anomalous.png").contains("img-");
    }

    @Test
    void unreadableFilesAreSkippedAndCounted(@TempDir Path work) throws IOException {
        Path folder = Files.createDirectories(work.resolve("mixed"));
        List<DecodedImage> digits = IdxFiles.readImages(ShippedData.path("mnist-10k-images-idx3-ubyte.gz"))
                .subList(0, 40);
        for (int i = 0; i < digits.size(); i++) {
            Files.write(folder.resolve("digit-" + i + ".png"), PngEncoder.encode(digits.get(i)));
        }
        Files.writeString(folder.resolve("notes.png"), "not an image");
        Files.write(folder.resolve("cut.png"), java.util.Arrays.copyOf(PngEncoder.encode(digits.get(0)), 30));

        Run run = cli("find-anomalies", "--input", folder.toString(), "--out", work.resolve("out").toString(),
                "--kind", "ae", "--epochs", "1");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("2 unreadable files in " + folder + " were skipped").contains("notes.png")
                .contains("cut.png");
        assertThat(Files.readAllLines(work.resolve("out").resolve(FindAnomaliesCommand.RANKING))).hasSize(41);
    }

    @Test
    void anEmptyFolderIsRefusedNamingIt(@TempDir Path work) throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty"));

        Run run = cli("find-anomalies", "--input", empty.toString(), "--out", work.resolve("out").toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("no readable images in " + empty);
    }

    @Test
    void aContaminationOutsideZeroToOneHalfIsRefused(@TempDir Path work) {
        Run run = cli("find-anomalies", "--input", ShippedData.path("mnist-10k-images-idx3-ubyte.gz").toString(),
                "--range", "0:100", "--contamination", "0.7", "--out", work.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("contamination must be in (0, 0.5), was 0.7");
    }

    @Test
    void aMistypedFlagIsNamed() {
        Run run = cli("find-anomalies", "--input", "x", "--contamnation", "0.1");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("'--contamnation'");
    }
}
