#!/bin/sh
# Kafka's TLS material and SCRAM users for `docker compose up`, in the Kafka image
# (its JRE has keytool). Two one-shots run it (docker-compose.yml):
#
#   kafka-secrets.sh make    before the broker: a CA, the broker's key store
#                            (CN=gridline-broker, SAN kafka, localhost, 127.0.0.1) and
#                            trust store, a random store password, a random password per
#                            SCRAM user; each app's password into that app's volume only,
#                            the CA certificate into the volume every client reads, and
#                            the owner's password and the CA into .data/keys for host tools
#   kafka-secrets.sh users   once the broker answers: sets every user's SCRAM-SHA-512
#                            credential, signed in on the broker's mutual-TLS listener
#
# Idempotent: what exists is kept. The same design as deploy/local/lib/kafka.sh
# (docs/security.md, "Kafka"); what each user may do is set by the kafka-acls one-shot.
set -eu

S=/secrets                 # the broker's volume
USERS="admin swc drc street gateway projector department"
APP_UID=1000               # the apps' and the Kafka image's user

random() { tr -dc 'a-f0-9' </dev/urandom | head -c 48; }

make() {
  umask 077
  mkdir -p "$S/users"
  if [ ! -s "$S/broker.p12" ]; then
    pw="$(random)"
    printf 'password=%s\n' "$pw" >"$S/store.properties"
    rm -f "$S/ca.p12" "$S/truststore.p12"
    keytool -genkeypair -alias ca -dname "CN=Gridline compose Kafka CA" -ext bc:c \
      -keyalg RSA -keysize 2048 -validity 3650 \
      -keystore "$S/ca.p12" -storetype PKCS12 -storepass "$pw"
    keytool -exportcert -rfc -alias ca -keystore "$S/ca.p12" -storepass "$pw" >"$S/ca.pem"
    keytool -genkeypair -alias broker -dname "CN=gridline-broker" -keyalg RSA -keysize 2048 \
      -validity 825 -keystore "$S/broker.p12.new" -storetype PKCS12 -storepass "$pw"
    keytool -certreq -alias broker -keystore "$S/broker.p12.new" -storepass "$pw" |
      keytool -gencert -alias ca -keystore "$S/ca.p12" -storepass "$pw" -validity 825 -rfc \
        -ext "SAN=dns:kafka,dns:localhost,ip:127.0.0.1" -ext "EKU=serverAuth,clientAuth" \
        >"$S/broker.pem"
    keytool -importcert -noprompt -alias ca -file "$S/ca.pem" \
      -keystore "$S/broker.p12.new" -storepass "$pw"
    keytool -importcert -alias broker -file "$S/broker.pem" \
      -keystore "$S/broker.p12.new" -storepass "$pw"
    keytool -importcert -noprompt -alias ca -file "$S/ca.pem" \
      -keystore "$S/truststore.p12" -storetype PKCS12 -storepass "$pw"
    cat >"$S/internal-client.properties" <<PROPS
security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$S/broker.p12
ssl.keystore.password=$pw
ssl.truststore.type=PKCS12
ssl.truststore.location=$S/truststore.p12
ssl.truststore.password=$pw
PROPS
    mv "$S/broker.p12.new" "$S/broker.p12"
  fi
  for user in $USERS; do
    [ -s "$S/users/gridline-$user" ] || random >"$S/users/gridline-$user"
  done
  # Each app's password in its own volume; the owner's for the kafka-acls one-shot.
  for user in admin swc drc street gateway projector; do
    cp "$S/users/gridline-$user" "/kafka-$user/password"
    chown "$APP_UID:$APP_UID" "/kafka-$user/password"
    chmod 400 "/kafka-$user/password"
  done
  cp "$S/ca.pem" /kafka-ca/ca.pem
  chmod 444 /kafka-ca/ca.pem
  # Host tools (npm run dlq, gridline kafka-acls) reach 127.0.0.1:9092 as the owner.
  mkdir -p /host-keys
  cp "$S/ca.pem" /host-keys/kafka-ca.pem
  cp "$S/users/gridline-admin" /host-keys/kafka-admin-password
  chmod 600 /host-keys/kafka-admin-password
  chown -R "$APP_UID:$APP_UID" "$S"
}

users() {
  for user in $USERS; do
    /opt/kafka/bin/kafka-configs.sh --bootstrap-server kafka:19094 \
      --command-config "$S/internal-client.properties" --alter --entity-type users \
      --entity-name "gridline-$user" \
      --add-config "SCRAM-SHA-512=[iterations=8192,password=$(cat "$S/users/gridline-$user")]" >/dev/null
  done
  echo "kafka: SCRAM credentials set for $USERS"
}

case "${1:-}" in
  make) make ;;
  users) users ;;
  *) echo "usage: kafka-secrets.sh make|users" >&2; exit 2 ;;
esac
