package io.rapport.staging;

import io.rapport.config.RapportSettings;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;

/**
 * Whether one day's inputs have landed completely, for {@code rapport validate --as-of D
 * --require-day} (a scheduler's check before the run). No row is read; only folders are listed.
 *
 * <p>The rule (docs/operations.md, "Readiness check"): in a source's path, the first segment with
 * a wildcard stands for the day folder, named {@code YYYY-MM-DD} or {@code date=YYYY-MM-DD}
 * ({@code purchases/*}{@code /*.csv} gives {@code purchases/2025-08-31/}). A day folder is complete
 * when it holds a {@value #MARKER} marker, which the exporter writes after its last file (Spark,
 * Hadoop and most copy tools do). A required source needs its complete day folder; an optional
 * source may have none, but a day folder without its marker means it is still being written. A
 * source whose path has no day folder (one file, or a folder of files) only needs to match a file.
 */
public final class DayReadiness {
  /** The name of the file that marks a day folder complete. */
  public static final String MARKER = "_SUCCESS";

  private DayReadiness() {}

  /**
   * One source's day.
   *
   * @param dayFolder the folder the rule expects for the day (null when the path has no day folder)
   * @param dataFiles data files of the source in the day folder (in the whole path when it has no day folder)
   * @param problem what is missing, or null when the source is ready
   */
  public record SourceDay(String source, boolean required, String path, String dayFolder, boolean folderExists,
      boolean markerPresent, int dataFiles, String problem) {
    public boolean ready() {
      return problem == null;
    }
  }

  /** Every configured source's day; {@link #ready()} when none has a problem. */
  public record Result(LocalDate day, List<SourceDay> sources) {
    public Result {
      sources = List.copyOf(sources);
    }

    public boolean ready() {
      return sources.stream().allMatch(SourceDay::ready);
    }

    /** One line per source that is not ready. */
    public List<String> problems() {
      return sources.stream().filter(s -> !s.ready()).map(s -> s.source() + ": " + s.problem()).toList();
    }
  }

  public static Result check(RapportSettings settings, LocalDate day, Configuration conf) {
    List<SourceDay> days = new ArrayList<>();
    for (SourceName source : SourceName.values()) {
      RapportSettings.Source s = source.settings(settings);
      boolean required = source.isRequired(s);
      if (s == null || s.path() == null || s.path().isBlank()) {
        days.add(new SourceDay(source.id(), required, null, null, false, false, 0,
            required ? "sources." + source.id() + ".path is not set" : null));
        continue;
      }
      days.add(check(source.id(), required, s.path(), day, conf));
    }
    return new Result(day, days);
  }

  static SourceDay check(String sourceId, boolean required, String path, LocalDate day, Configuration conf) {
    Path pattern = new Path(path);
    List<String> segments = new ArrayList<>();
    for (Path p = pattern; p != null && !p.isRoot() && !p.getName().isEmpty(); p = p.getParent()) {
      segments.add(0, p.getName());
    }
    int daySegment = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (hasWildcard(segments.get(i))) {
        daySegment = i;
        break;
      }
    }
    Path base = pattern;
    for (int i = daySegment; daySegment >= 0 && i < segments.size(); i++) {
      base = base.getParent();
    }
    List<String> names = daySegment < 0 ? List.of() : dayNames(segments.get(daySegment), day);
    if (names.isEmpty()) {
      int files = InputFiles.resolve(sourceId, path, conf).size();
      String problem = files == 0 && required ? "path " + path + " has no day folder for " + day
          + " (no path segment with a wildcard matches " + day + " or date=" + day + ") and matches no file" : null;
      return new SourceDay(sourceId, required, path, null, false, false, files, problem);
    }
    try {
      FileSystem fs = pattern.getFileSystem(conf);
      Path folder = new Path(base, names.get(0));
      for (String name : names) {
        if (fs.isDirectory(new Path(base, name))) {
          folder = new Path(base, name);
          break;
        }
      }
      boolean exists = fs.isDirectory(folder);
      boolean marker = exists && fs.exists(new Path(folder, MARKER));
      String rest = String.join("/", segments.subList(daySegment + 1, segments.size()));
      int files = exists ? InputFiles.resolve(sourceId, rest.isEmpty() ? folder.toString() : folder + "/" + rest, conf).size() : 0;
      String problem = null;
      if (!exists && required) {
        problem = "day folder " + folder + " does not exist yet";
      } else if (exists && !marker) {
        problem = "day folder " + folder + " has no " + MARKER + " marker yet (" + files + " data file(s) so far)";
      }
      return new SourceDay(sourceId, required, path, folder.toString(), exists, marker, files, problem);
    } catch (IOException e) {
      return new SourceDay(sourceId, required, path, new Path(base, names.get(0)).toString(), false, false, 0,
          "cannot list " + base + ": " + e.getMessage());
    }
  }

  /** The day-folder names the segment's wildcard admits for the day, {@code date=} first when the segment says so. */
  private static List<String> dayNames(String segment, LocalDate day) {
    GlobPattern glob = new GlobPattern(segment);
    List<String> candidates = segment.startsWith("date=")
        ? List.of("date=" + day, day.toString()) : List.of(day.toString(), "date=" + day);
    return candidates.stream().filter(name -> glob.matches(name)).toList();
  }

  private static boolean hasWildcard(String segment) {
    return segment.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }
}
