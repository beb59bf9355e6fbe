import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top frames of a flight recording's CPU samples, as a markdown table: where a process spends
 * its time, by the method on top of the stack (self time) and by the first method of our own code
 * below it (where that time is spent from). Run it with the JDK's source launcher:
 *
 * <pre>java scripts/jfr-top-frames.java recording.jfr [rows]</pre>
 */
public class JfrTopFrames {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            total++;
            var frames = event.getStackTrace().getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            for (RecordedFrame frame : frames) {
                if (frame.getMethod().getType().getName().startsWith("dev.imageanomaly")) {
                    ours.merge(name(frame), 1, Integer::sum);
                    break;
                }
            }
        }
        System.out.printf("%d CPU samples in %s%n", total, args[0]);
        print("top frames (self)", self, total, rows);
        print("first frame of the project's code below the sample", ours, total, rows);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName().replaceAll("^.*\\.", "") + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int rows) {
        System.out.printf("%n%s%n%n| method | share of samples |%n|---|---:|%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("| %s | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / total));
    }
}
