package io.rapport.warehouse;

import io.rapport.errors.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves a run's audited tables from its staging area into place and writes the manifest last
 * (write, audit, publish). Each table folder is swapped by rename, so a reader sees either the
 * previous snapshot of a table or the new one, never a half-written folder; the date counts as
 * complete only once the manifest exists, so whatever must come with a complete date (the run
 * report) is written between the last move and the manifest. Publishing is idempotent: a publish
 * interrupted half way and run again moves what is left and writes the manifest.
 */
public final class Publisher {
  private Publisher() {}

  /** Table folders in a staging area: every sub-folder not starting with {@code _}. */
  public static List<String> stagedTables(Configuration conf, Path staging) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      List<String> tables = new ArrayList<>();
      if (!fs.exists(staging)) {
        return tables;
      }
      for (FileStatus status : fs.listStatus(staging)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
          tables.add(name);
        }
      }
      tables.sort(null);
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + staging + ": " + e.getMessage(), e);
    }
  }

  public static void publish(Configuration conf, WarehouseLayout layout, LocalDate asOf, Path staging,
      List<String> tables, Manifest manifest) {
    publish(conf, layout, asOf, staging, tables, manifest, () -> {});
  }

  /**
   * Publishes, running {@code beforeManifest} once every table is in place and before the
   * manifest is written: a reader that sees the date complete also sees what it wrote.
   */
  public static void publish(Configuration conf, WarehouseLayout layout, LocalDate asOf, Path staging,
      List<String> tables, Manifest manifest, Runnable beforeManifest) {
    try {
      FileSystem fs = layout.root().getFileSystem(conf);
      Path manifestPath = layout.manifest(asOf);
      // A replaced date is incomplete while its folders are swapped; readers fall back to the
      // previous complete date instead of seeing a mix.
      if (fs.exists(manifestPath)) {
        fs.delete(manifestPath, false);
      }
      Path trash = new Path(layout.trash(), "as_of_date=" + asOf + "-" + manifest.jobExecutionId());
      for (String table : tables) {
        Path source = new Path(staging, table);
        if (!fs.exists(source)) {
          continue; // moved by an earlier, interrupted publish of this run
        }
        Path target = layout.tablePartition(table, asOf);
        fs.mkdirs(target.getParent());
        if (fs.exists(target)) {
          fs.mkdirs(trash);
          rename(fs, target, new Path(trash, table));
        }
        rename(fs, source, target);
      }
      fs.mkdirs(layout.runFolder(asOf));
      beforeManifest.run();
      JsonFiles.write(conf, manifestPath, manifest);
      fs.delete(trash, true);
      fs.delete(staging, true);
      // The date's staging folder goes too once no run folder is left in it.
      Path dateStaging = staging.getParent();
      if (dateStaging != null && fs.exists(dateStaging) && fs.listStatus(dateStaging).length == 0) {
        fs.delete(dateStaging, false);
      }
    } catch (IOException e) {
      throw StorageException.of("publish " + asOf + " (move its tables into place and write its manifest) in",
          layout.root().toString(), e).orElseThrow();
    }
  }

  /**
   * Deletes what dead runs of one date left behind: the staging folders {@code run-<instance>}
   * for which {@code deletable} holds, and the date's trash from an interrupted publish. The
   * caller must hold the date's run lock, so no live run of this date can own any of them; it
   * passes a predicate that spares the instance it is about to run and every restartable one.
   * Folders that are not {@code run-<number>} are left alone. Returns the deleted folders.
   */
  public static List<Path> removeLeftovers(Configuration conf, WarehouseLayout layout, LocalDate asOf,
      LongPredicate deletable) {
    List<Path> removed = new ArrayList<>();
    try {
      FileSystem fs = layout.root().getFileSystem(conf);
      Path dateStaging = layout.stagingForDate(asOf);
      if (fs.exists(dateStaging)) {
        for (FileStatus status : fs.listStatus(dateStaging)) {
          Long instance = instanceOf(status.getPath().getName());
          if (status.isDirectory() && instance != null && deletable.test(instance)) {
            fs.delete(status.getPath(), true);
            removed.add(status.getPath());
          }
        }
        if (fs.listStatus(dateStaging).length == 0) {
          fs.delete(dateStaging, false);
        }
      }
      if (fs.exists(layout.trash())) {
        String prefix = WarehouseLayout.AS_OF_PREFIX + asOf + "-";
        for (FileStatus status : fs.listStatus(layout.trash())) {
          if (status.getPath().getName().startsWith(prefix)) {
            fs.delete(status.getPath(), true);
            removed.add(status.getPath());
          }
        }
      }
      return removed;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean up the staging area of " + asOf + ": " + e.getMessage(), e);
    }
  }

  /** The job instance id of a staging folder named {@code run-<id>}, or null for any other name. */
  static Long instanceOf(String folderName) {
    if (!folderName.startsWith("run-")) {
      return null;
    }
    String digits = folderName.substring("run-".length());
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(digits);
  }

  public static boolean isComplete(Configuration conf, WarehouseLayout layout, LocalDate asOf) {
    return JsonFiles.exists(conf, layout.manifest(asOf));
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }
}
