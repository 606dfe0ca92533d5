package io.flowbundle.parquet;

import java.io.IOException;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over Flink's {@link org.apache.flink.core.fs.FileSystem}, so that a
 * footer on object storage is read with the same client (and settings, and plugin class loader) as
 * the job's reads, without Hadoop's own S3 file system on our class path. Reading a footer seeks to
 * the end: on S3 that is a ranged GET, not a download of the file.
 */
final class FlinkInputFile implements InputFile {

    private final Path path;
    private final long length;

    private FlinkInputFile(Path path, long length) {
        this.path = path;
        this.length = length;
    }

    /** The file at {@code path}, its length taken from one status request. */
    static FlinkInputFile open(Path path) throws IOException {
        return new FlinkInputFile(path, path.getFileSystem().getFileStatus(path).getLen());
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        FSDataInputStream in = path.getFileSystem().open(path);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() throws IOException {
                return in.getPos();
            }

            @Override
            public void seek(long newPos) throws IOException {
                in.seek(newPos);
            }
        };
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
