package io.rapport.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The published runs of a warehouse: the dates under {@code _runs/} whose manifest exists. A run
 * that failed or is still running has no manifest there, so it is never part of the history.
 */
public final class RunHistory {
  private RunHistory() {}

  /** The manifests of the latest {@code max} complete dates before {@code asOf}, newest first. */
  public static List<Manifest> publishedBefore(Configuration conf, WarehouseLayout layout, LocalDate asOf, int max) {
    List<LocalDate> dates = new ArrayList<>();
    try {
      FileSystem fs = layout.root().getFileSystem(conf);
      if (!fs.exists(layout.runs())) {
        return List.of();
      }
      for (FileStatus status : fs.listStatus(layout.runs())) {
        String name = status.getPath().getName();
        if (!status.isDirectory() || !name.startsWith(WarehouseLayout.AS_OF_PREFIX)) {
          continue;
        }
        try {
          LocalDate date = LocalDate.parse(name.substring(WarehouseLayout.AS_OF_PREFIX.length()));
          if (date.isBefore(asOf) && fs.exists(layout.manifest(date))) {
            dates.add(date);
          }
        } catch (DateTimeParseException notADate) {
          // not a run folder
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the published runs in " + layout.runs() + ": " + e.getMessage(), e);
    }
    dates.sort(Comparator.reverseOrder());
    return dates.stream().limit(max).map(d -> JsonFiles.read(conf, layout.manifest(d), Manifest.class)).toList();
  }
}
