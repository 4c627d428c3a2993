# The S3 server of the compose tests, versitygw, built FROM scratch like the
# DataSynth images from the static binary the Makefile builds
# (.cache/tools/versitygw-VERSION/versitygw, copied into bin/image).
FROM scratch
COPY etc/passwd etc/group /etc/
COPY tmp /tmp
# data/objects holds the buckets, data/meta their metadata (--sidecar).
COPY --chown=65532:65532 data /data
COPY versitygw /usr/local/bin/versitygw
USER 65532:65532
EXPOSE 7070
ENTRYPOINT ["/usr/local/bin/versitygw"]
