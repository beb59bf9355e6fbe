package dev.imageanomaly.scoring.source;

import dev.imageanomaly.scoring.image.DecodedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Reads images from wherever they are: an IDX file (with its labels) or a folder (sub-folders are classes). */
public final class ImageSources {

    private ImageSources() {}

    /**
     * @param labelsFile an IDX label file; when null, an IDX file's sibling label file is used if
     *     present, and a folder's sub-folder names are the labels
     */
    public static LoadedImages load(Path source, Path labelsFile) throws IOException {
        if (!Files.exists(source)) {
            throw new IOException("no such file or folder: " + source);
        }
        if (Files.isDirectory(source)) {
            return fromFolder(source);
        }
        if (IdxFiles.looksLikeIdx(source)) {
            return fromIdx(source, labelsFile != null ? labelsFile : IdxFiles.siblingLabels(source));
        }
        throw new IOException(source + " is neither a folder of images nor an IDX image file");
    }

    private static LoadedImages fromIdx(Path file, Path labelsFile) throws IOException {
        List<DecodedImage> images = IdxFiles.readImages(file);
        int[] labels = new int[images.size()];
        java.util.Arrays.fill(labels, LoadedImages.NO_LABEL);
        if (labelsFile != null) {
            int[] read = IdxFiles.readLabels(labelsFile);
            if (read.length != images.size()) {
                throw new IOException(labelsFile + " has " + read.length + " labels for " + images.size() + " images");
            }
            labels = read;
        }
        List<String> ids = new ArrayList<>(images.size());
        String base = file.getFileName().toString();
        for (int i = 0; i < images.size(); i++) {
            ids.add(base + "#" + i);
        }
        return new LoadedImages(ids, images, labels, List.of(), List.of());
    }

    private static LoadedImages fromFolder(Path folder) throws IOException {
        ImageFolder.Result read = ImageFolder.read(folder);
        List<String> classNames = new ArrayList<>(new TreeSet<>(read.images().stream()
                .map(ImageFolder.Entry::className).filter(c -> c != null).toList()));
        int[] labels = read.images().stream()
                .mapToInt(e -> e.className() == null ? LoadedImages.NO_LABEL : classNames.indexOf(e.className()))
                .toArray();
        return new LoadedImages(read.images().stream().map(ImageFolder.Entry::id).toList(),
                read.images().stream().map(ImageFolder.Entry::image).toList(), labels, classNames, read.skipped());
    }
}
