package io.rapport.jobs;

import io.rapport.errors.RapportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;

/**
 * An operating-system lock per as-of date, held for the whole run. The OS releases it when the
 * process dies, even by SIGKILL: so a second run for the same date refuses while the first is
 * alive, and a run that finds an execution still marked as running while holding the lock knows
 * that execution's process is gone.
 */
final class DateLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DateLock acquire(Path folder, LocalDate asOf) {
    try {
      Files.createDirectories(folder);
      Path file = folder.resolve("as_of_date=" + asOf + ".lock");
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new RunInProgressException("Cannot run " + asOf + ": another Rapport run for this date is in progress"
            + " (lock " + file + " is held" + holder(file) + "). Wait for it to finish; a killed run releases the lock by itself.");
      }
      // Who holds it, for the message a refused run prints (the lock itself is what counts).
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      return new DateLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + folder + " for " + asOf + ": " + e.getMessage(), e);
    }
  }

  /**
   * The process id the date's lock file names: the last run of the date on this machine (empty
   * when no run of the date ever ran here). For {@code rapport status}, which must not take the lock.
   */
  static java.util.OptionalLong lastHolder(Path folder, LocalDate asOf) {
    try {
      String text = Files.readString(folder.resolve("as_of_date=" + asOf + ".lock"), StandardCharsets.US_ASCII).trim();
      return text.startsWith("pid ") ? java.util.OptionalLong.of(Long.parseLong(text.substring(4))) : java.util.OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return java.util.OptionalLong.empty();
    }
  }

  private static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.startsWith("pid ") ? " by process " + text.substring(4) : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    }
  }

  /** A run for the same date is alive in another process (exit code 1: try again later). */
  static final class RunInProgressException extends RapportException {
    RunInProgressException(String message) {
      super(message);
    }

    @Override
    public int exitCode() {
      return 1;
    }
  }
}
