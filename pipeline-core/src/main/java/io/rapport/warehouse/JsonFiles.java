package io.rapport.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rapport.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small JSON documents (manifests, step reports) on any Hadoop file system, written atomically. */
public final class JsonFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private JsonFiles() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Writes to a temporary sibling, then renames: a reader sees the old file or the whole new one. */
  public static void write(Configuration conf, Path file, Object value) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        MAPPER.writeValue(out, value);
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("rename " + tmp + " -> " + file + " failed");
      }
    } catch (IOException e) {
      throw StorageException.of("write", file.toString(), e).orElseThrow();
    }
  }

  public static <T> T read(Configuration conf, Path file, Class<T> type) {
    try (InputStream in = file.getFileSystem(conf).open(file)) {
      return MAPPER.readValue(in, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // Not a storage failure: the file is there but is not what Rapport wrote (edited, truncated).
      throw new IllegalStateException("Cannot read " + file + ": not the JSON Rapport writes ("
          + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw StorageException.of("read", file.toString(), e).orElseThrow();
    }
  }

  public static boolean exists(Configuration conf, Path file) {
    try {
      return file.getFileSystem(conf).exists(file);
    } catch (IOException e) {
      throw StorageException.of("look for", file.toString(), e).orElseThrow();
    }
  }
}
