package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;
import dev.prio.parquet.Codecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.filter.PagedRecordFilter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * The rows of one staged {@code *.parquet} input file: columns {@code id} (string, int32 or int64)
 * and {@code payload} (binary, the raw ciphertext), other columns ignored and never read. A row
 * gets the verdicts an ndjson line gets: a missing or unprintable id is {@link
 * RejectReason#MALFORMED_LINE} without an id, a missing or oversized payload is {@link
 * RejectReason#MALFORMED_LINE} with its id; decryption and the duplicate check come later, as for
 * ndjson. Column chunks may be uncompressed or compressed with a codec {@link Codecs} reads
 * (snappy, gzip, zstd), and pages that carry a CRC are checked against it. A file without those two
 * columns, with another codec, or damaged is no input file: {@link InputUnreadableException}.
 *
 * <p>Where a row is: the scan and the indexes address input lines by (byte offset, length) with a
 * one-byte newline between lines, and merge neighbours into ranges on that rule. A row {@code r} is
 * given the address ({@value #STRIDE}·r, 1), so consecutive rows are neighbours exactly as
 * consecutive lines are, and a range's rows are those whose address starts inside it: the plans and
 * indexes carry rows without knowing that they are rows. Reading a range reads only the row groups
 * it overlaps, and of those only the two columns.
 */
final class ParquetRows {
  static final long STRIDE = 2;
  private static final Codecs CODECS = new Codecs();

  /** Receives each row in order with its address and a CRC32C over its id and payload values. */
  interface Sink {
    void accept(long row, InputLine line, int crc) throws IOException;
  }

  private final ObjectStore store;
  private final int maxPayloadBytes;

  ParquetRows(ObjectStore store, int maxPayloadBytes) {
    this.store = store;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  static boolean isParquet(String key) {
    return key.endsWith(".parquet");
  }

  static long offsetOf(long row) {
    return STRIDE * row;
  }

  /** Every row of the file. */
  void readAll(String file, Sink sink) throws IOException {
    read(file, 0, Long.MAX_VALUE, sink);
  }

  /** The rows whose address starts in {@code [offset, offset + length)}. */
  void readRange(String file, long offset, long length, Sink sink) throws IOException {
    read(file, ceilDiv(offset), ceilDiv(offset + length), sink);
  }

  private static long ceilDiv(long offset) {
    return (offset + STRIDE - 1) / STRIDE;
  }

  /**
   * Rows {@code [from, to)}. The library reports a damaged or foreign file with unchecked
   * exceptions (a failed page checksum or decompression included); they name the file as {@link
   * InputUnreadableException}. An IOException is the store's and stays one, to be retried; what the
   * sink throws is the caller's and passes unchanged.
   */
  private void read(String file, long from, long to, Sink sink) throws IOException {
    try {
      readRows(file, from, to, sink);
    } catch (InputUnreadableException e) {
      throw e;
    } catch (FromSink e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      throw new InputUnreadableException(file, "not readable as Parquet input: " + e, e);
    }
  }

  /** The sink's own unchecked exception, kept apart from the library's on the way out. */
  private static final class FromSink extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FromSink(RuntimeException e) {
      super(e);
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }

  private void readRows(String file, long from, long to, Sink sink) throws IOException {
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withCodecFactory(CODECS)
            .usePageChecksumVerification(true)
            .build();
    try (ParquetFileReader reader =
        ParquetFileReader.open(new ObjectInputFile(store, file), options)) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      MessageType wanted = columns(file, fileSchema);
      reader.setRequestedSchema(wanted);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(wanted, fileSchema);
      List<BlockMetaData> groups = reader.getRowGroups();
      readableCodecs(file, groups);
      long first = 0;
      for (int g = 0; g < groups.size() && first < to; g++) {
        long end = first + groups.get(g).getRowCount();
        if (end > from) {
          long start = Math.max(from, first);
          long stop = Math.min(end, to);
          // The rows before the range are skipped value by value, never assembled into records: a
          // chunk's range starts anywhere in a group, about half a group (~170 of A's rows) early.
          // PagedRecordFilter counts the group's rows from 1.
          RecordReader<Group> rows =
              io.getRecordReader(
                  reader.readRowGroup(g),
                  new GroupRecordConverter(wanted),
                  FilterCompat.get(PagedRecordFilter.page(start - first + 1, stop - start)));
          for (long r = start; r < stop; r++) {
            emit(file, r, rows.read(), sink);
          }
        }
        first = end;
      }
    }
  }

  private void emit(String file, long r, Group row, Sink sink) throws IOException {
    String where = file + "#" + r;
    CRC32C crc = new CRC32C();
    String id = null;
    if (row.getFieldRepetitionCount("id") > 0) {
      Type type = row.getType().getType("id");
      PrimitiveTypeName kind = type.asPrimitiveType().getPrimitiveTypeName();
      if (kind == PrimitiveTypeName.BINARY) {
        Binary b = row.getBinary("id", 0);
        crc.update(b.getBytesUnsafe());
        id = printable(b);
      } else {
        long v = kind == PrimitiveTypeName.INT64 ? row.getLong("id", 0) : row.getInteger("id", 0);
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, v));
        id = Long.toString(v);
      }
    }
    byte[] payload = null;
    if (row.getFieldRepetitionCount("payload") > 0) {
      payload = row.getBinary("payload", 0).getBytes();
      crc.update(payload);
    }
    InputLine line;
    if (id == null) {
      line = InputLine.rejected(null, RejectReason.MALFORMED_LINE, where);
    } else if (payload == null || payload.length > maxPayloadBytes) {
      line = InputLine.rejected(id, RejectReason.MALFORMED_LINE, where);
    } else {
      line = InputLine.ok(id, payload, where);
    }
    try {
      sink.accept(r, line, (int) crc.getValue());
    } catch (RuntimeException e) {
      throw new FromSink(e);
    }
  }

  /** The id as text if it is valid UTF-8 and a printable id, as for ndjson; else null. */
  private static String printable(Binary b) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(b.toByteBuffer())
              .toString();
      return SubmissionReader.isPrintableId(s) ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * A codec {@link Codecs} does not read (LZO, Brotli, LZ4) is refused by name before any page is
   * read, rather than failing deep inside the reader.
   */
  private static void readableCodecs(String file, List<BlockMetaData> groups) {
    for (BlockMetaData g : groups) {
      for (ColumnChunkMetaData c : g.getColumns()) {
        if (!Codecs.READ.contains(c.getCodec())) {
          throw unreadable(
              file,
              "column "
                  + c.getPath()
                  + " is compressed with "
                  + c.getCodec()
                  + "; staged Parquet input must be one of "
                  + Codecs.READ);
        }
      }
    }
  }

  private static InputUnreadableException unreadable(String file, String why) {
    return new InputUnreadableException(file, why, null);
  }

  /** The file's id and payload columns, checked; the projection every read asks for. */
  private static MessageType columns(String file, MessageType schema) {
    Type id = column(file, schema, "id");
    Type payload = column(file, schema, "payload");
    PrimitiveTypeName idKind = id.asPrimitiveType().getPrimitiveTypeName();
    if (idKind != PrimitiveTypeName.BINARY
        && idKind != PrimitiveTypeName.INT64
        && idKind != PrimitiveTypeName.INT32) {
      throw unreadable(file, "column id must be a string or an integer, not " + idKind);
    }
    if (payload.asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
      throw unreadable(file, "column payload must be binary");
    }
    return new MessageType(schema.getName(), id, payload);
  }

  private static Type column(String file, MessageType schema, String name) {
    if (!schema.containsField(name)) {
      throw unreadable(file, "no column " + name + " (want id and payload)");
    }
    Type t = schema.getType(name);
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      throw unreadable(file, "column " + name + " must be a single primitive value");
    }
    return t;
  }
}
