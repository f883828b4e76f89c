package io.rapport.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/**
 * File-system failures as Spark and Hadoop raise them (the OS error innermost, wrapped by a task
 * failure and a job abort): each names the operation and path and says whether a re-run helps.
 */
class StorageExceptionTest {
  private static Throwable sparkWrapped(IOException io) {
    RuntimeException task = new RuntimeException("Task failed while writing rows to file:/w/_staging/x", io);
    return new IllegalStateException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times", task);
  }

  @Test
  void aFullDiskIsRestartableAndSaysToFreeSpace() {
    StorageException e = StorageException.of("write the Parquet files of", "/w/_staging/run-1/fact_orders",
        sparkWrapped(new IOException("No space left on device"))).orElseThrow();
    assertEquals(StorageException.Problem.NO_SPACE, e.problem());
    assertEquals(1, e.exitCode(), "a retry after space is freed finishes the run");
    assertTrue(e.getMessage().startsWith("Cannot write the Parquet files of /w/_staging/run-1/fact_orders: no space left"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Free space"), e.getMessage());
    assertEquals("/w/_staging/run-1/fact_orders", e.path());
  }

  @Test
  void anUnwritablePathExitsTwoBecauseARetryCannotHelp() {
    for (IOException io : new IOException[] {new AccessDeniedException("/w/_runs"),
        new IOException("Mkdirs failed to create file:/w/_staging/run-1 (exists=false, cwd=file:/)"),
        new java.io.FileNotFoundException("/w/_runs/manifest.json (Read-only file system)")}) {
      StorageException e = StorageException.of("write", "/w/_runs/manifest.json", new UncheckedIOException(io)).orElseThrow();
      assertEquals(StorageException.Problem.NOT_WRITABLE, e.problem(), io.toString());
      assertEquals(2, e.exitCode());
      assertTrue(e.getMessage().contains("Running again will not help until it is writable"), e.getMessage());
    }
  }

  @Test
  void anotherIoErrorIsRestartableAndMayBeTransient() {
    StorageException e = StorageException.of("read", "/w/_runs/manifest.json",
        new java.net.SocketTimeoutException("Read timed out")).orElseThrow();
    assertEquals(StorageException.Problem.IO_ERROR, e.problem());
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().contains("SocketTimeoutException: Read timed out") && e.getMessage().contains("transient"),
        e.getMessage());
  }

  @Test
  void aFailureWithoutAFileSystemErrorIsNotAStorageFailure() {
    assertFalse(StorageException.of("write", "/w/t", new IllegalStateException("division by zero")).isPresent());
    // Jackson's parse errors are IOExceptions too, but a corrupt JSON file is not a storage problem.
    IOException parse = new com.fasterxml.jackson.core.JsonParseException(null, "Unexpected character");
    assertFalse(StorageException.find(new IllegalStateException("Cannot read /w/m.json: not JSON", parse)).isPresent());
  }

  @Test
  void anUnwrappedFailureTakesOperationAndPathFromRapportsOwnMessage() {
    Throwable failure = new UncheckedIOException("Cannot list /w/_staged/purchases: boom",
        new IOException("No space left on device"));
    StorageException e = StorageException.find(failure).orElseThrow();
    assertTrue(e.getMessage().startsWith("Cannot list /w/_staged/purchases: no space left on the device"), e.getMessage());
    assertEquals("/w/_staged/purchases", e.path());
  }
}
