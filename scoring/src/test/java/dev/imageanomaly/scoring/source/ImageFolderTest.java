package dev.imageanomaly.scoring.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of real image files: sub-folders are classes, unreadable files are named and skipped. */
class ImageFolderTest {

    @TempDir
    Path root;

    @Test
    void subFolderNamesBecomeLabelsInSortedOrder() throws IOException {
        write(grey(8, 8, 10), "png", "dogs/d1.png");
        write(grey(8, 8, 20), "png", "cats/c1.png");
        write(grey(8, 8, 30), "jpg", "cats/c2.jpg");
        write(grey(8, 8, 40), "bmp", "dogs/d2.BMP");
        Files.writeString(root.resolve("cats/notes.txt"), "not an image, and not tried");

        LoadedImages loaded = ImageSources.load(root, null);

        assertThat(loaded.classNames()).containsExactly("cats", "dogs");
        assertThat(loaded.ids()).containsExactly(sep("cats/c1.png"), sep("cats/c2.jpg"), sep("dogs/d1.png"),
                sep("dogs/d2.BMP"));
        assertThat(loaded.labels()).containsExactly(0, 0, 1, 1);
        assertThat(loaded.skipped()).isEmpty();
        assertThat(loaded.images().get(2).at(0, 0, 0)).isEqualTo(10);
    }

    @Test
    void theClassIsTheTopLevelSubFolderEvenWhenImagesAreNestedDeeper() throws IOException {
        write(grey(4, 4, 1), "png", "cats/indoor/a.png");
        write(grey(4, 4, 2), "png", "dogs/indoor/b.png");
        write(grey(4, 4, 3), "png", "dogs/c.png");

        LoadedImages loaded = ImageSources.load(root, null);

        assertThat(loaded.classNames()).containsExactly("cats", "dogs");
        assertThat(loaded.labels()).containsExactly(0, 1, 1);
    }

    @Test
    void imagesAtTheTopLevelHaveNoLabel() throws IOException {
        write(grey(4, 4, 1), "png", "a.png");
        write(grey(4, 4, 2), "gif", "b.gif");

        LoadedImages loaded = ImageSources.load(root, null);

        assertThat(loaded.classNames()).isEmpty();
        assertThat(loaded.labels()).containsOnly(LoadedImages.NO_LABEL);
        assertThat(loaded.ids()).containsExactly("a.png", "b.gif");
    }

    @Test
    void aCorruptFileIsSkippedAndReportedByNameAndTheRestLoads() throws IOException {
        write(grey(6, 6, 50), "png", "normal/good1.png");
        write(grey(6, 6, 60), "png", "normal/good2.png");
        Path broken = root.resolve("normal/broken.png");
        byte[] png = Files.readAllBytes(root.resolve("normal/good1.png"));
        Files.write(broken, java.util.Arrays.copyOf(png, png.length / 2));
        Files.writeString(root.resolve("normal/text.jpg"), "I am a text file with an image name");

        ImageFolder.Result result = ImageFolder.read(root);

        assertThat(result.images()).extracting(ImageFolder.Entry::id)
                .containsExactly(sep("normal/good1.png"), sep("normal/good2.png"));
        assertThat(result.skipped()).hasSize(2);
        assertThat(result.skipped().get(0)).startsWith(sep("normal/broken.png") + ": ").contains("PNG");
        assertThat(result.skipped().get(1)).startsWith(sep("normal/text.jpg") + ": ");
        assertThat(ImageSources.load(root, null).skipped()).hasSize(2);
    }

    @Test
    void anEmptyFolderReadsAsNothing() throws IOException {
        ImageFolder.Result result = ImageFolder.read(root);
        assertThat(result.images()).isEmpty();
        assertThat(result.skipped()).isEmpty();
    }

    /** Ids are relative paths with the platform's separator. */
    private static String sep(String path) {
        return path.replace("/", java.io.File.separator);
    }

    private void write(BufferedImage image, String format, String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IllegalStateException("no writer for " + format);
        }
    }

    private static BufferedImage grey(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        return img;
    }
}
