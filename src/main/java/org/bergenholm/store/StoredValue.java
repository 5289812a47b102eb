package org.bergenholm.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the embedded database stores documents, their ids and index keys: as BSON, where H2's
 * {@link ObjectDataType} would fall back to Java serialization for every class it does not know
 * (mongo-java-server's Document, ObjectId and KeyValue). In a boot storm that serialization, and
 * C2 compiling ObjectOutputStream for it (3.3 CPU-seconds in the cold run), was the embedded
 * database's biggest cost. Everything else is written as H2 writes it. Reading takes both forms,
 * so files written before keep working; each tag below is one H2 never writes. The order is
 * H2's, so B-trees written before stay valid.
 */
final class StoredValue extends BasicDataType<Object> {
    private static final byte DOCUMENT = (byte) 0xD0;
    private static final byte KEY = (byte) 0xD1;
    private static final byte OBJECT_ID = (byte) 0xD2;

    private final ObjectDataType h2 = new ObjectDataType();

    @Override
    public int compare(Object a, Object b) {
        return h2.compare(a, b);
    }

    @Override
    public int getMemory(Object value) {
        return value instanceof Document d ? 64 + 48 * d.size() : h2.getMemory(value);
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        if (value instanceof Document d) {
            buffer.put(DOCUMENT);
            putBson(buffer, d);
        } else if (value instanceof ObjectId id) {
            buffer.put(OBJECT_ID).put(id.toByteArray());
        } else if (value instanceof KeyValue key && bsonEncodable(key)) {
            Map<String, Object> elements = new LinkedHashMap<>();
            for (int i = 0; i < key.size(); i++) {
                elements.put(Integer.toString(i), key.get(i));
            }
            buffer.put(KEY);
            putBson(buffer, elements);
        } else {
            h2.write(buffer, value);
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        byte tag = buffer.get(buffer.position());
        if (tag == DOCUMENT) {
            buffer.get();
            return readBson(buffer);
        }
        if (tag == OBJECT_ID) {
            buffer.get();
            byte[] id = new byte[12];
            buffer.get(id);
            return new ObjectId(id);
        }
        if (tag == KEY) {
            buffer.get();
            return new KeyValue(new ArrayList<>(readBson(buffer).values()));
        }
        return h2.read(buffer);
    }

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }

    /** Key elements BSON can carry back as they are; anything else (Missing of a sparse key) goes H2's way. */
    private static boolean bsonEncodable(KeyValue key) {
        for (Object v : key) {
            if (!(v == null || v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Double
                    || v instanceof Boolean || v instanceof ObjectId || v instanceof java.time.Instant)) {
                return false;
            }
        }
        return true;
    }

    private static void putBson(WriteBuffer buffer, Map<String, ?> document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            buffer.put(bson.nioBuffer());
        } finally {
            bson.release();
        }
    }

    /** A BSON document starts with its own length (int32, little-endian). */
    private static Document readBson(ByteBuffer buffer) {
        int length = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteBuffer slice = buffer.slice().limit(length);
        buffer.position(buffer.position() + length);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(slice));
    }
}
