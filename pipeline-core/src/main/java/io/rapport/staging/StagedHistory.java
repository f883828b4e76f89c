package io.rapport.staging;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rapport.errors.RapportException;
import io.rapport.warehouse.JsonFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The staged history of one source (SPEC section 2, "Ingestion is incremental"; decision S1):
 * {@code <warehouse>/_staged/<source>/} holds one Parquet folder per batch of input files staged
 * together ({@code batch-<n>}: every row read, parsed and validated, not yet cut or de-duplicated)
 * and a versioned ledger {@code ledger-<n>.json} naming, per input file identity (path, size,
 * modification time), its small file index and its batch folder.
 *
 * <p>Consistency under kill -9: a batch folder is written completely before the new ledger names
 * it, and the new ledger is written (temporary file, then renamed to the next version number)
 * last. Readers take the highest version. A batch folder no ledger names is the leftover of a
 * killed run and is deleted by the next run ({@link #collectGarbage}). Two runs staging the same
 * source are serialised by an operating-system lock ({@link #lock}), released by the OS when a
 * process dies.
 */
final class StagedHistory {
  private StagedHistory() {}

  /** Bumped whenever the staged Parquet layout or the rules change: a mismatch restages everything. */
  static final int CODE_VERSION = 1;

  private static final Pattern LEDGER = Pattern.compile("ledger-(\\d+)\\.json");
  private static final Pattern DAY = Pattern.compile("(?:date=)?(\\d{4}-\\d{2}-\\d{2})");

  /** One staged input file. {@code dayDate} is its day folder's date or null; {@code lineNumber}: it has a line_number column. */
  record FileEntry(
      @JsonProperty("path") String path,
      @JsonProperty("size") long size,
      @JsonProperty("modified") long modified,
      @JsonProperty("index") int index,
      @JsonProperty("batch") String batch,
      @JsonProperty("day_date") String dayDate,
      @JsonProperty("line_number") boolean lineNumber,
      @JsonProperty("column_types") Map<String, String> columnTypes) {
    /** {@code columnTypes}: a Parquet file's column types (lower-case name to Spark type), so later files are checked against it; null otherwise. */
    FileEntry {
      columnTypes = columnTypes == null ? null : Map.copyOf(columnTypes);
    }

    boolean sameFile(InputFiles.Listed f) {
      return path.equals(f.path()) && size == f.size() && modified == f.modified();
    }
  }

  /** The ledger: contract fingerprint, next free file index, and the staged files sorted by path. */
  record Ledger(
      @JsonProperty("version") long version,
      @JsonProperty("fingerprint") String fingerprint,
      @JsonProperty("next_index") int nextIndex,
      @JsonProperty("next_batch") long nextBatch,
      @JsonProperty("files") List<FileEntry> files) {
    Ledger {
      files = files == null ? List.of() : List.copyOf(files);
    }

    static Ledger empty(String fingerprint) {
      return new Ledger(0, fingerprint, 0, 0, List.of());
    }
  }

  static Path sourceFolder(Path stagedRoot, SourceName source) {
    return new Path(stagedRoot, source.id());
  }

  /** The latest ledger, or null when the source was never staged (or its ledgers were removed). */
  static Ledger load(Configuration conf, Path folder) {
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.exists(folder)) {
        return null;
      }
      long best = -1;
      for (FileStatus st : fs.listStatus(folder)) {
        Matcher m = LEDGER.matcher(st.getPath().getName());
        if (m.matches()) {
          best = Math.max(best, Long.parseLong(m.group(1)));
        }
      }
      return best < 0 ? null : JsonFiles.read(conf, ledgerPath(folder, best), Ledger.class);
    } catch (IOException e) {
      throw failure("list", folder, e);
    }
  }

  private static Path ledgerPath(Path folder, long version) {
    return new Path(folder, "ledger-" + version + ".json");
  }

  /** Writes {@code ledger} as the next version (atomic: temporary file, then rename), then deletes the older versions. */
  static void commit(Configuration conf, Path folder, Ledger ledger) {
    Path target = ledgerPath(folder, ledger.version());
    JsonFiles.write(conf, target, ledger);
    try {
      FileSystem fs = folder.getFileSystem(conf);
      for (FileStatus st : fs.listStatus(folder)) {
        Matcher m = LEDGER.matcher(st.getPath().getName());
        if (m.matches() && Long.parseLong(m.group(1)) < ledger.version()) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw failure("clean old ledgers in", folder, e);
    }
  }

  /** Removes a source's ledgers: its next run restages every file ({@code --full-refresh}). */
  static void forget(Configuration conf, Path folder) {
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.exists(folder)) {
        return;
      }
      for (FileStatus st : fs.listStatus(folder)) {
        if (LEDGER.matcher(st.getPath().getName()).matches()) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw failure("reset", folder, e);
    }
  }

  /** Deletes batch folders the ledger does not name (left by a run killed while staging). */
  static void collectGarbage(Configuration conf, Path folder, Ledger ledger) {
    Set<String> live = new HashSet<>();
    if (ledger != null) {
      ledger.files().forEach(f -> live.add(f.batch()));
    }
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.exists(folder)) {
        return;
      }
      for (FileStatus st : fs.listStatus(folder)) {
        String name = st.getPath().getName();
        if (st.isDirectory() && name.startsWith("batch-") && !live.contains(name)) {
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw failure("clean", folder, e);
    }
  }

  /** The batch folders the ledger names, in batch order. */
  static List<Path> batches(Path folder, Ledger ledger) {
    List<String> names = new ArrayList<>();
    for (FileEntry f : ledger.files()) {
      if (f.batch() != null && !names.contains(f.batch())) {
        names.add(f.batch());
      }
    }
    names.sort(null);
    return names.stream().map(n -> new Path(folder, n)).toList();
  }

  /**
   * The date of a file's day folder: the nearest parent folder named {@code YYYY-MM-DD} or
   * {@code date=YYYY-MM-DD}; null when there is none (the file then belongs to every date).
   */
  static LocalDate dayFolderDate(String file) {
    Path parent = new Path(file).getParent();
    while (parent != null && !parent.getName().isEmpty()) {
      Matcher m = DAY.matcher(parent.getName());
      if (m.matches()) {
        try {
          return LocalDate.parse(m.group(1));
        } catch (java.time.format.DateTimeParseException e) {
          return null;
        }
      }
      parent = parent.getParent();
    }
    return null;
  }

  /**
   * An exclusive lock on a source's staged history, held while it is staged and cut. Local
   * warehouses use an OS file lock; on other file systems there is no lock (a scheduler runs one
   * date at a time there).
   */
  static AutoCloseable lock(Path folder, SourceName source) {
    if (folder.toUri().getScheme() != null && !"file".equals(folder.toUri().getScheme())) {
      return () -> { };
    }
    java.nio.file.Path dir = java.nio.file.Path.of(folder.toUri().getPath()).getParent();
    java.nio.file.Path file = dir.resolve(source.id() + ".lock");
    try {
      Files.createDirectories(dir);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new StagingInProgressException("Cannot stage " + source.id() + ": another Rapport run is staging it"
            + " (lock " + file + " is held). Wait for it to finish and run again; a killed run releases the lock by itself.");
      }
      FileLock held = lock;
      return () -> {
        held.release();
        channel.close();
      };
    } catch (IOException e) {
      throw failure("lock", new Path(file.toString()), e);
    }
  }

  /** Another process stages the same source (exit 1: a later run succeeds). */
  static final class StagingInProgressException extends RapportException {
    StagingInProgressException(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 1;
    }
  }

  /** An I/O failure on the staged history: names the path and the operation, and whether a re-run helps. */
  static io.rapport.errors.StorageException failure(String operation, Path path, IOException cause) {
    return io.rapport.errors.StorageException.of(operation + " the staged history", path.toString(), cause).orElseThrow();
  }
}
