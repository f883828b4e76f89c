package io.rapport.generate;

import io.rapport.generate.BadRowKind.Source;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects CSV records per source and day in memory up to a byte cap, spills them to one
 * temporary file per source and day when the cap is reached, and at the end writes each day's
 * {@code part-0.csv} with its records sorted by time (stable, so equal times keep the order they
 * were added in). Memory stays bounded by the cap plus the largest single day, whatever the
 * number of customers, and the result does not depend on the cap.
 */
final class DayPartitionedCsvWriter {
  /** Spill record header: sort key (long) + length (int). */
  private static final int RECORD_OVERHEAD = 12;

  private final Path out;
  private final Path spillDir;
  private final LocalDate start;
  private final long memoryCap;
  private final Buffer[][] buffers;
  private final boolean[][] spilled;
  private long buffered;

  DayPartitionedCsvWriter(Path out, Path spillDir, LocalDate start, LocalDate end, long memoryCap) {
    this.out = out;
    this.spillDir = spillDir;
    this.start = start;
    this.memoryCap = memoryCap;
    int days = (int) (end.toEpochDay() - start.toEpochDay() + 1);
    this.buffers = new Buffer[Source.values().length][days];
    this.spilled = new boolean[Source.values().length][days];
  }

  /** Adds one CSV record (LF-terminated) to the file of {@code day}; sortKey is epoch seconds. */
  void add(Source source, LocalDate day, long sortKey, String record) throws IOException {
    int index = (int) (day.toEpochDay() - start.toEpochDay());
    Buffer buffer = buffers[source.ordinal()][index];
    if (buffer == null) {
      buffer = new Buffer();
      buffers[source.ordinal()][index] = buffer;
    }
    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
    buffer.writeLong(sortKey);
    buffer.writeInt(bytes.length);
    buffer.write(bytes, 0, bytes.length);
    buffered += bytes.length + RECORD_OVERHEAD;
    if (buffered > memoryCap) {
      spillAll();
    }
  }

  private void spillAll() throws IOException {
    Files.createDirectories(spillDir);
    for (Source source : Source.values()) {
      Buffer[] days = buffers[source.ordinal()];
      for (int i = 0; i < days.length; i++) {
        if (days[i] != null && days[i].size() > 0) {
          try (OutputStream stream = Files.newOutputStream(spillFile(source, i),
              StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            days[i].writeTo(stream);
          }
          spilled[source.ordinal()][i] = true;
          days[i] = null;
        }
      }
    }
    buffered = 0;
  }

  private Path spillFile(Source source, int dayIndex) {
    return spillDir.resolve(source.folder() + "-" + dayIndex + ".bin");
  }

  /** One written day file. */
  record DayFile(Source source, LocalDate day, Path path, long rows) {}

  /** Writes every day file of every source, in source then date order, and removes the spill files. */
  List<DayFile> finish(String[] headers) throws IOException {
    List<DayFile> written = new ArrayList<>();
    for (Source source : Source.values()) {
      byte[] header = headers[source.ordinal()].getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < buffers[source.ordinal()].length; i++) {
        List<byte[]> records = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        if (spilled[source.ordinal()][i]) {
          Path spill = spillFile(source, i);
          try (InputStream stream = new BufferedInputStream(Files.newInputStream(spill), 1 << 16)) {
            read(stream, keys, records);
          }
          Files.delete(spill);
        }
        Buffer buffer = buffers[source.ordinal()][i];
        if (buffer != null) {
          read(buffer.asInputStream(), keys, records);
          buffers[source.ordinal()][i] = null;
        }
        if (records.isEmpty()) {
          continue;
        }
        LocalDate day = start.plusDays(i);
        Path file = out.resolve(source.folder()).resolve(day.toString()).resolve("part-0.csv");
        Files.createDirectories(file.getParent());
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
          stream.write(header);
          for (int position : sortedPositions(keys)) {
            stream.write(records.get(position));
          }
        }
        written.add(new DayFile(source, day, file, records.size()));
      }
    }
    if (Files.isDirectory(spillDir)) {
      Files.delete(spillDir);
    }
    return written;
  }

  /** Positions ordered by key, ties by position: keys fit 32 bits (epoch seconds until 2106). */
  private static int[] sortedPositions(List<Long> keys) {
    long[] packed = new long[keys.size()];
    for (int i = 0; i < packed.length; i++) {
      packed[i] = (keys.get(i) << 32) | i;
    }
    Arrays.sort(packed);
    int[] positions = new int[packed.length];
    for (int i = 0; i < packed.length; i++) {
      positions[i] = (int) (packed[i] & 0xFFFFFFFFL);
    }
    return positions;
  }

  private static void read(InputStream stream, List<Long> keys, List<byte[]> records) throws IOException {
    DataInputStream data = new DataInputStream(stream);
    while (true) {
      long key;
      try {
        key = data.readLong();
      } catch (EOFException end) {
        return;
      }
      byte[] record = new byte[data.readInt()];
      data.readFully(record);
      keys.add(key);
      records.add(record);
    }
  }

  /** A byte buffer with big-endian long/int writes, readable in place. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(256);
    }

    void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    void writeInt(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    InputStream asInputStream() {
      return new java.io.ByteArrayInputStream(buf, 0, count);
    }
  }
}
