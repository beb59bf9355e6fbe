package dev.imageanomaly.scoring.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.image.DecodedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX (MNIST-format) files, plain or gzipped, read exactly; broken ones refused with a message that says why. */
class IdxFilesTest {

    @TempDir
    Path dir;

    @Test
    void plainAndGzippedFilesReadTheSameImages() throws IOException {
        byte[] idx = images(3, 2, 4);
        Path plain = Files.write(dir.resolve("t-images-idx3-ubyte"), idx);
        Path gz = Files.write(dir.resolve("t-images-idx3-ubyte.gz"), gzip(idx));

        List<DecodedImage> fromPlain = IdxFiles.readImages(plain);
        List<DecodedImage> fromGz = IdxFiles.readImages(gz);

        assertThat(fromPlain).hasSize(3);
        assertThat(fromGz).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(fromPlain.get(i).width()).isEqualTo(4);
            assertThat(fromPlain.get(i).height()).isEqualTo(2);
            assertThat(fromPlain.get(i).channels()).isEqualTo(1);
            assertThat(fromGz.get(i).pixels()).isEqualTo(fromPlain.get(i).pixels());
        }
        // pixel values are row-major, image after image: image 1, row 1, column 2 is pixel 8 + 4 + 2
        assertThat(fromPlain.get(1).at(2, 1, 0)).isEqualTo(pixel(8 + 4 + 2) & 0xFF);
        assertThat(fromPlain.get(2).at(3, 1, 0)).isEqualTo(pixel(2 * 8 + 4 + 3) & 0xFF);
        assertThat(IdxFiles.looksLikeIdx(plain)).isTrue();
        assertThat(IdxFiles.looksLikeIdx(gz)).isTrue();
    }

    @Test
    void theShippedMnistFileAndItsSiblingLabelsRead() throws IOException {
        Path images = shipped("mnist-10k-images-idx3-ubyte.gz");

        Path labels = IdxFiles.siblingLabels(images);
        assertThat(labels).isEqualTo(shipped("mnist-10k-labels-idx1-ubyte.gz"));
        int[] read = IdxFiles.readLabels(labels);
        assertThat(read).hasSize(10_000);
        assertThat(Arrays.copyOf(read, 5)).containsExactly(7, 2, 1, 0, 4);

        LoadedImages loaded = ImageSources.load(images, null);
        assertThat(loaded.images()).hasSize(10_000);
        assertThat(loaded.images().get(0).width()).isEqualTo(28);
        assertThat(loaded.labels()).isEqualTo(read);
        assertThat(loaded.ids().get(3)).isEqualTo("mnist-10k-images-idx3-ubyte.gz#3");
    }

    @Test
    void siblingLabelsAreFoundOnlyWhenTheyExist() throws IOException {
        Path images = Files.write(dir.resolve("x-images-idx3-ubyte.gz"), gzip(images(2, 2, 2)));
        assertThat(IdxFiles.siblingLabels(images)).isNull();

        Path labels = Files.write(dir.resolve("x-labels-idx1-ubyte.gz"), gzip(labels(4, 9)));
        assertThat(IdxFiles.siblingLabels(images)).isEqualTo(labels);
        assertThat(ImageSources.load(images, null).labels()).containsExactly(4, 9);

        Path oddlyNamed = Files.write(dir.resolve("digits.idx"), images(2, 2, 2));
        assertThat(IdxFiles.siblingLabels(oddlyNamed)).isNull();
        assertThat(ImageSources.load(oddlyNamed, null).labels()).containsOnly(LoadedImages.NO_LABEL);
    }

    @Test
    void labelsThatDoNotMatchTheImageCountAreRefused() throws IOException {
        Path images = Files.write(dir.resolve("y-images-idx3-ubyte"), images(3, 2, 2));
        Path labels = Files.write(dir.resolve("y-labels-idx1-ubyte"), labels(1, 2));

        assertThatThrownBy(() -> ImageSources.load(images, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("2 labels for 3 images");
        assertThat(labels).exists();
    }

    @Test
    void aFileEndingBeforeItsImageCountIsTruncated() throws IOException {
        byte[] idx = images(3, 2, 4);
        Path shortPlain = Files.write(dir.resolve("short-images-idx3-ubyte"), Arrays.copyOf(idx, idx.length - 5));
        byte[] gz = gzip(idx);
        Path shortGz = Files.write(dir.resolve("short-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length - 12));
        Path shortHeader = Files.write(dir.resolve("header-images-idx3-ubyte"), Arrays.copyOf(idx, 10));

        for (Path file : List.of(shortPlain, shortGz, shortHeader)) {
            assertThatThrownBy(() -> IdxFiles.readImages(file)).as(file.getFileName().toString())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("truncated")
                    .hasMessageContaining(file.getFileName().toString());
        }
    }

    @Test
    void aHeaderClaimingAHugeCountWithoutTheDataIsTruncatedNotOutOfMemory() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFiles.IMAGES_MAGIC);
        out.writeInt(2_000_000_000);
        out.writeInt(28);
        out.writeInt(28);
        out.write(new byte[28 * 28 * 2]);
        Path images = Files.write(dir.resolve("huge-images-idx3-ubyte"), bytes.toByteArray());

        bytes.reset();
        out.writeInt(IdxFiles.LABELS_MAGIC);
        out.writeInt(2_000_000_000);
        out.write(new byte[] {1, 2, 3});
        Path labels = Files.write(dir.resolve("huge-labels-idx1-ubyte"), bytes.toByteArray());

        assertThatThrownBy(() -> IdxFiles.readImages(images)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> IdxFiles.readLabels(labels)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aTruncatedLabelFileIsTruncated() throws IOException {
        byte[] idx = labels(1, 2, 3, 4);
        Path file = Files.write(dir.resolve("l-labels-idx1-ubyte"), Arrays.copyOf(idx, idx.length - 1));

        assertThatThrownBy(() -> IdxFiles.readLabels(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aWrongMagicNumberSaysWhatWasExpected() throws IOException {
        Path labels = Files.write(dir.resolve("z-labels-idx1-ubyte"), labels(1, 2));
        Path images = Files.write(dir.resolve("z-images-idx3-ubyte"), images(1, 2, 2));
        Path png = Files.write(dir.resolve("not-idx.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});

        assertThatThrownBy(() -> IdxFiles.readImages(labels)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an IDX image file")
                .hasMessageContaining("magic 0x801")
                .hasMessageContaining("expected 0x00000803");
        assertThatThrownBy(() -> IdxFiles.readLabels(images)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an IDX label file")
                .hasMessageContaining("expected 0x00000801");
        assertThat(IdxFiles.looksLikeIdx(png)).isFalse();
        assertThatThrownBy(() -> ImageSources.load(png, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("neither a folder of images nor an IDX image file");
    }

    @Test
    void anImpossibleHeaderIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFiles.IMAGES_MAGIC);
        out.writeInt(1);
        out.writeInt(0);
        out.writeInt(28);
        Path file = Files.write(dir.resolve("zero-images-idx3-ubyte"), bytes.toByteArray());

        assertThatThrownBy(() -> IdxFiles.readImages(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("invalid IDX header");
    }

    @Test
    void aMissingSourceIsReportedByName() {
        Path missing = dir.resolve("nothing-here.gz");
        assertThatThrownBy(() -> ImageSources.load(missing, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("no such file or folder")
                .hasMessageContaining("nothing-here.gz");
    }

    // ---- IDX writers ----

    static byte pixel(int index) {
        return (byte) (index * 7 + 3);
    }

    static byte[] images(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFiles.IMAGES_MAGIC);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count * rows * cols; i++) {
            out.writeByte(pixel(i));
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxFiles.LABELS_MAGIC);
        out.writeInt(values.length);
        for (int v : values) {
            out.writeByte(v);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        }
        return bytes.toByteArray();
    }

    /** A file of the repository's {@code data/} folder. */
    private static Path shipped(String file) {
        Path p = Path.of(System.getProperty("data.dir", "../data")).resolve(file);
        assertThat(p).as("shipped data file").isRegularFile();
        return p;
    }
}
