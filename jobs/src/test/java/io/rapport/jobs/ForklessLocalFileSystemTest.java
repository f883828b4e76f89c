package io.rapport.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system without chmod processes sets the permissions Hadoop asks for. */
class ForklessLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  private static FileSystem fileSystem() throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    FileSystem fs = FileSystem.get(java.net.URI.create("file:///"), conf);
    assertTrue(fs instanceof ForklessLocalFileSystem, fs.getClass().getName());
    return fs;
  }

  @Test
  void directoriesAndFilesGetTheRequestedPermissions() throws IOException {
    FileSystem fs = fileSystem();
    Path sub = new Path(dir.toUri().toString(), "a/b");
    assertTrue(fs.mkdirs(sub, new FsPermission((short) 0750)));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));

    Path file = new Path(sub, "part-0.txt");
    try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
      out.write("row\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0.txt"))));
    // The checksum file of LocalFileSystem is still written, and the content reads back.
    assertTrue(Files.exists(dir.resolve("a/b/.part-0.txt.crc")));
    assertEquals("row\n", new String(fs.open(file).readAllBytes(), StandardCharsets.UTF_8));

    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0.txt"))));
  }
}
