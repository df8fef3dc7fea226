package dev.prio.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * One staged input file being written: submissions in, committed whole or not at all. The servers
 * read both formats from the same staging directory.
 */
interface StagedFile extends AutoCloseable {
  void write(String id, byte[] payload) throws CliException;

  void commit() throws CliException;

  @Override
  void close();

  /** The input formats {@code --format} offers. */
  enum Format {
    NDJSON,
    PARQUET;

    String extension() {
      return "." + name().toLowerCase(Locale.ROOT);
    }

    StagedFile create(Path target) throws CliException {
      return this == NDJSON ? new Ndjson(target) : new Parquet(target);
    }
  }

  /** Lines {@code {"id": "<id>", "payload": "<base64>"}}, prio-processor's staging format. */
  final class Ndjson implements StagedFile {
    private final Files2.AtomicOutput out;
    private final Base64.Encoder b64 = Base64.getEncoder();

    Ndjson(Path target) throws CliException {
      this.out = new Files2.AtomicOutput(target);
    }

    @Override
    public void write(String id, byte[] payload) throws CliException {
      out.write("{\"id\": \"" + id + "\", \"payload\": \"" + b64.encodeToString(payload) + "\"}\n");
    }

    @Override
    public void commit() throws CliException {
      out.commit();
    }

    @Override
    public void close() {
      out.close();
    }
  }

  /**
   * Columns {@code id} (string) and {@code payload} (binary, the raw ciphertext). Uncompressed and
   * without dictionaries: ciphertexts are random and ids unique, so both would only cost CPU. Row
   * groups are kept small because a server's chunk reads whole row groups.
   */
  final class Parquet implements StagedFile {
    static final MessageType SCHEMA =
        MessageTypeParser.parseMessageType(
            "message submission { required binary id (STRING); required binary payload; }");
    private static final long ROW_GROUP_BYTES = 16L << 20;

    private final Path target;
    private final Path temp;
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
    private boolean closed;

    Parquet(Path target) throws CliException {
      this.target = target;
      this.temp = Files2.tempBeside(target);
      try {
        this.writer =
            ExampleParquetWriter.builder(new LocalOutputFile(temp))
                .withConf(new PlainParquetConfiguration())
                .withType(SCHEMA)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withDictionaryEncoding(false)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build();
      } catch (IOException e) {
        throw Files2.ioError(temp, e);
      }
    }

    @Override
    public void write(String id, byte[] payload) throws CliException {
      try {
        writer.write(
            rows.newGroup()
                .append("id", id)
                .append("payload", Binary.fromConstantByteArray(payload)));
      } catch (IOException e) {
        throw Files2.ioError(temp, e);
      }
    }

    @Override
    public void commit() throws CliException {
      closeWriter();
      Files2.moveInto(temp, target);
    }

    @Override
    public void close() {
      try {
        closeWriter();
      } catch (CliException ignored) {
        // best effort: the temporary file is deleted next
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
    }

    private void closeWriter() throws CliException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        writer.close();
      } catch (IOException e) {
        throw Files2.ioError(temp, e);
      }
    }
  }
}
