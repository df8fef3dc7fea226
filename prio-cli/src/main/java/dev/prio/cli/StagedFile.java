package dev.prio.cli;

import dev.prio.parquet.Codecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
 * read both formats from the same staging directory. {@code prio generate} and {@code prio stage}
 * both write through it, so the two commands cannot drift apart on either format.
 */
public interface StagedFile extends AutoCloseable {
  /** A submission with a string id (a uuid4 from {@code prio generate}). */
  void write(String id, byte[] payload) throws CliException;

  /**
   * A submission with an integer id and a payload already checked to be padded standard base64
   * ({@code prio stage}'s records). ndjson keeps both as given, so the lines stay what
   * prio-processor's staging writes; Parquet stores the id as its decimal string, which the servers
   * read as the same id as the ndjson number.
   */
  void write(long id, String payloadBase64) throws CliException;

  void commit() throws CliException;

  @Override
  void close();

  /**
   * What {@code --format} and {@code --compression} chose: ndjson, or Parquet with its pages
   * compressed by {@code codec} (uncompressed by default, so existing outputs are unchanged).
   */
  record Format(boolean parquet, CompressionCodecName codec) {
    public static final Format NDJSON = new Format(false, CompressionCodecName.UNCOMPRESSED);

    /** The characters of an ndjson line around its id and payload. */
    private static final int NDJSON_LINE_OVERHEAD = "{\"id\": , \"payload\": \"\"}\n".length();

    /**
     * {@code --format} (ndjson or parquet) and {@code --compression} (none, snappy or gzip), both
     * case-insensitive; null means ndjson and none. Compression is Parquet's only.
     */
    public static Format parse(String format, String compression) throws CliException {
      boolean parquet;
      if (format == null || format.equalsIgnoreCase("ndjson")) {
        parquet = false;
      } else if (format.equalsIgnoreCase("parquet")) {
        parquet = true;
      } else {
        throw CliException.usage("invalid value for --format: ndjson or parquet");
      }
      CompressionCodecName codec = codec(compression);
      if (!parquet && codec != CompressionCodecName.UNCOMPRESSED) {
        throw CliException.usage("--compression applies to --format parquet only");
      }
      return new Format(parquet, codec);
    }

    private static CompressionCodecName codec(String value) throws CliException {
      if (value == null || value.equalsIgnoreCase("none")) {
        return CompressionCodecName.UNCOMPRESSED;
      }
      for (CompressionCodecName c : Codecs.WRITE) {
        if (c != CompressionCodecName.UNCOMPRESSED && c.name().equalsIgnoreCase(value)) {
          return c;
        }
      }
      throw CliException.usage("invalid value for --compression: none, snappy or gzip");
    }

    public String extension() {
      return parquet ? ".parquet" : ".ndjson";
    }

    public StagedFile create(Path target) throws CliException {
      return parquet ? new Parquet(target, codec) : new Ndjson(target);
    }

    /**
     * What {@link #write(long, String)} adds to a file, for a per-file byte bound: the ndjson line,
     * or Parquet's plain-encoded values (each with its 4-byte length), before the footer and before
     * compression: ciphertexts do not compress, so a compressed file is about as large.
     */
    public long recordBytes(long id, String payloadBase64) {
      int digits = Long.toString(id).length();
      if (!parquet) {
        return NDJSON_LINE_OVERHEAD + digits + payloadBase64.length();
      }
      int n = payloadBase64.length();
      int padding = payloadBase64.endsWith("==") ? 2 : payloadBase64.endsWith("=") ? 1 : 0;
      return 4 + digits + 4 + (long) n / 4 * 3 - padding;
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
    public void write(long id, String payloadBase64) throws CliException {
      out.write("{\"id\": " + id + ", \"payload\": \"" + payloadBase64 + "\"}\n");
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
   * Columns {@code id} (string) and {@code payload} (binary, the raw ciphertext), pages compressed
   * with the chosen codec through {@link Codecs}, the servers' own, so no Hadoop runtime is needed.
   * Without dictionaries: ciphertexts are random and ids unique, so they would only cost CPU (as
   * compression does: it is there for pipelines that expect it, not to save bytes). Row groups are
   * kept small because a server's chunk reads whole row groups.
   */
  final class Parquet implements StagedFile {
    static final MessageType SCHEMA =
        MessageTypeParser.parseMessageType(
            "message submission { required binary id (STRING); required binary payload; }");
    private static final long ROW_GROUP_BYTES = 16L << 20;
    private static final Codecs CODECS = new Codecs();

    private final Path target;
    private final Path temp;
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
    private boolean closed;

    Parquet(Path target, CompressionCodecName codec) throws CliException {
      this.target = target;
      this.temp = Files2.tempBeside(target);
      try {
        this.writer =
            ExampleParquetWriter.builder(new LocalOutputFile(temp))
                .withConf(new PlainParquetConfiguration())
                .withType(SCHEMA)
                .withCodecFactory(CODECS)
                .withCompressionCodec(codec)
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
    public void write(long id, String payloadBase64) throws CliException {
      write(Long.toString(id), Base64.getDecoder().decode(payloadBase64));
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
