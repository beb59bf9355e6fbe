package dev.imageanomaly.trainer.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A one-line terminal progress bar for an epoch, with the running loss and throughput, drawn by the
 * progressbar library; when the epoch ends the bar gives way to a one-line summary.
 */
public final class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final me.tongfei.progressbar.ProgressBar bar;

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                .setConsumer(new SameLine(out)).setUnit(" img", 1).showSpeed()
                .clearDisplayOnFinish().build();
    }

    /** @param done samples seen so far in the epoch */
    public void update(int done, double loss) {
        bar.stepTo(done);
        bar.setExtraMessage(String.format(" loss %.5f", loss));
    }

    /** The library ends a bar with a line break; the summary goes on the cleared line instead. */
    private static final class SameLine extends ConsoleProgressBarConsumer {

        SameLine(PrintStream out) {
            super(out);
        }

        @Override
        public void close() {
            // no line break: finish() writes the summary over the cleared bar
        }
    }

    /** Clears the bar and prints the epoch's summary in its place. */
    public void finish(String summary) {
        bar.close();
        out.println(label + " " + summary);
        out.flush();
    }
}
