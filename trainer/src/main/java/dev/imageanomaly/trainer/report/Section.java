package dev.imageanomaly.trainer.report;

/**
 * A report section's content, or the one line the report shows instead saying why it has none (the
 * graph has no such output, the data has no labels, ...). A reader never has to guess whether a
 * missing chart is a bug.
 */
public record Section<T>(T content, String whyOmitted) {

    public Section {
        if ((content == null) == (whyOmitted == null)) {
            throw new IllegalArgumentException("a report section has either content or a reason it has none");
        }
    }

    public static <T> Section<T> of(T content) {
        return new Section<>(content, null);
    }

    public static <T> Section<T> omitted(String why) {
        return new Section<>(null, why);
    }

    public boolean present() {
        return content != null;
    }
}
