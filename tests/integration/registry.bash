# A private registry on 127.0.0.1 for the pull tests: Debian's docker-registry (distribution 2.x), plain HTTP, TLS
# with a CA of its own, or HTTP basic auth, each with its storage and config under BATS_FILE_TMPDIR.
#
#   registry_start [plain|tls|auth]   starts one and exports PP_REGISTRY_{MODE,PORT,PID,DIR,HOST,URL}, and for
#                                     tls PP_REGISTRY_CERTS_D (laid out like /etc/containers/certs.d) and
#                                     PP_REGISTRY_CA, for auth PP_REGISTRY_CREDS (podplay:secret)
#   registry_push SRC NAME            pushes the OCI layout SRC (tag latest) to it as NAME:latest
#   registry_curl PATH [ARGS...]      curl to it (127.0.0.1 only, never through a proxy) with its CA and credentials
#   registry_stop                     kills exactly the registry started and removes its directory
#   PP_REGISTRY_BLOB_URL=URL          (set before registry_start) blobs are redirected to URL + their storage path
#
# Call registry_start in setup_file and registry_stop in teardown_file; the variables are exported for the tests.
# Nothing here talks to anything but 127.0.0.1. (No variable is named REGISTRY_*: the registry reads those as
# configuration.)

PP_REGISTRY_USER=podplay
PP_REGISTRY_PASSWORD=secret

# Installs the registry and htpasswd when they are missing (as root only), like scripts/install-deps.sh.
registry_require() {
	if [ -x /usr/bin/docker-registry ] && command -v htpasswd >/dev/null && command -v openssl >/dev/null \
		&& command -v curl >/dev/null && command -v skopeo >/dev/null; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "registry: docker-registry, apache2-utils, openssl, curl or skopeo is missing (install as root)" >&2
		return 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		docker-registry apache2-utils openssl curl skopeo >/dev/null
}

# A TCP port on 127.0.0.1 that nothing listens on now.
registry_free_port() {
	python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Runs a command with no proxy settings, so that nothing goes anywhere but where it is pointed (127.0.0.1).
registry_noproxy() {
	env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY -u no_proxy \
		NO_PROXY='*' "$@"
}

# A CA and a server certificate for 127.0.0.1, signed by it, in $1; the CA also in $2/127.0.0.1:PORT/ca.crt.
registry_make_certs() {
	local dir=$1 certs_d=$2
	mkdir -p "$dir" "$certs_d/$PP_REGISTRY_HOST"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=podplay test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext.cnf"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
		-extfile "$dir/ext.cnf" -out "$dir/server.crt" 2>/dev/null || return 1
	cp "$dir/ca.crt" "$certs_d/$PP_REGISTRY_HOST/ca.crt"
}

# The registry's config: 127.0.0.1 only, filesystem storage, no notifications, no redis, no proxying, no reporting.
registry_write_config() {
	local dir=$1
	cat >"$dir/config.yml" <<-EOF
		version: 0.1
		log:
		  level: warn
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $dir/storage
		  delete:
		    enabled: true
		  maintenance:
		    uploadpurging:
		      enabled: false
		http:
		  addr: 127.0.0.1:$PP_REGISTRY_PORT
		  secret: podplay-test-secret
	EOF
	if [ "$PP_REGISTRY_MODE" = tls ]; then
		cat >>"$dir/config.yml" <<-EOF
			  tls:
			    certificate: $dir/tls/server.crt
			    key: $dir/tls/server.key
		EOF
	fi
	if [ "$PP_REGISTRY_MODE" = auth ]; then
		cat >>"$dir/config.yml" <<-EOF
			auth:
			  htpasswd:
			    realm: podplay-test
			    path: $dir/htpasswd
		EOF
	fi
	if [ "$PP_REGISTRY_MODE" = token ]; then
		cat >>"$dir/config.yml" <<-EOF
			auth:
			  token:
			    realm: http://127.0.0.1:$PP_TOKEN_PORT/token
			    service: podplay-test-registry
			    issuer: podplay-test-issuer
			    rootcertbundle: $dir/token/token.crt
		EOF
	fi
	# Blobs answered with a redirect to another server (as registries send clients to blob storage).
	if [ -n "${PP_REGISTRY_BLOB_URL:-}" ]; then
		cat >>"$dir/config.yml" <<-EOF
			middleware:
			  storage:
			    - name: redirect
			      options:
			        baseurl: $PP_REGISTRY_BLOB_URL
		EOF
	fi
}

# The HTTP status of GET /v2/ (000 when nothing answers).
registry_ping() {
	registry_curl /v2/ -o /dev/null -w '%{http_code}' --max-time 2 2>/dev/null || true
}

registry_curl() {
	local path=$1
	shift
	local args=(--silent --show-error --noproxy '*')
	[ -n "${PP_REGISTRY_CA:-}" ] && args+=(--cacert "$PP_REGISTRY_CA")
	[ -n "${PP_REGISTRY_CREDS:-}" ] && args+=(--user "$PP_REGISTRY_CREDS")
	registry_noproxy curl "${args[@]}" "$@" "$PP_REGISTRY_URL$path"
}

registry_start() {
	local mode=${1:-plain} _attempt
	case "$mode" in
	plain | tls | auth | token) ;;
	*)
		echo "registry_start: unknown mode $mode (plain, tls, auth or token)" >&2
		return 1
		;;
	esac
	registry_require || return 1
	: "${BATS_FILE_TMPDIR:?registry_start runs under bats}"
	export PP_REGISTRY_MODE=$mode PP_REGISTRY_DIR=$BATS_FILE_TMPDIR/registry-$mode
	export PP_REGISTRY_CA="" PP_REGISTRY_CREDS="" PP_REGISTRY_CERTS_D=""
	# Another process may take the free port before the registry binds it: then try another.
	for _attempt in 1 2 3; do
		rm -rf "$PP_REGISTRY_DIR"
		mkdir -p "$PP_REGISTRY_DIR/storage"
		export PP_REGISTRY_PORT
		PP_REGISTRY_PORT=$(registry_free_port) || return 1
		export PP_REGISTRY_HOST=127.0.0.1:$PP_REGISTRY_PORT
		if [ "$mode" = tls ]; then
			export PP_REGISTRY_URL=https://$PP_REGISTRY_HOST
			export PP_REGISTRY_CERTS_D=$PP_REGISTRY_DIR/certs.d
			export PP_REGISTRY_CA=$PP_REGISTRY_CERTS_D/$PP_REGISTRY_HOST/ca.crt
			registry_make_certs "$PP_REGISTRY_DIR/tls" "$PP_REGISTRY_CERTS_D" || return 1
		else
			export PP_REGISTRY_URL=http://$PP_REGISTRY_HOST
		fi
		if [ "$mode" = auth ]; then
			htpasswd -Bbn "$PP_REGISTRY_USER" "$PP_REGISTRY_PASSWORD" >"$PP_REGISTRY_DIR/htpasswd" 2>/dev/null || return 1
			export PP_REGISTRY_CREDS=$PP_REGISTRY_USER:$PP_REGISTRY_PASSWORD
		fi
		if [ "$mode" = token ]; then
			token_start "$PP_REGISTRY_DIR/token" || return 1
			export PP_REGISTRY_CREDS=$PP_REGISTRY_USER:$PP_REGISTRY_PASSWORD
		fi
		registry_write_config "$PP_REGISTRY_DIR"
		# A plain command put in the background, so that $! is the registry itself (env execs it). No proxy and no
		# REGISTRY_* variable of the caller's reaches it (those would override the config); fd 3 is bats'.
		# shellcheck disable=SC2046
		env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
			$(env | sed -n 's/^\(REGISTRY_[A-Za-z0-9_]*\)=.*/-u \1/p') \
			/usr/bin/docker-registry serve "$PP_REGISTRY_DIR/config.yml" >"$PP_REGISTRY_DIR/log" 2>&1 3>&- &
		export PP_REGISTRY_PID=$!
		if registry_wait; then
			return 0
		fi
		registry_stop_pid
	done
	echo "registry_start: the $mode registry did not answer on $PP_REGISTRY_URL/v2/; its log:" >&2
	cat "$PP_REGISTRY_DIR/log" >&2
	return 1
}

# Waits (10 s at most) until the registry answers /v2/ with 200 (with the credentials, for auth).
registry_wait() {
	local _i code
	for _i in $(seq 100); do
		if ! kill -0 "$PP_REGISTRY_PID" 2>/dev/null; then
			return 1
		fi
		code=$(registry_ping)
		[ "$code" = 200 ] && return 0
		# Behind token auth /v2/ answers 401 with the challenge until a client has a token.
		[ "$code" = 401 ] && [ "$PP_REGISTRY_MODE" = token ] && return 0
		sleep 0.1
	done
	return 1
}

# Kills the registry this file started, by its pid only, and waits until it is gone.
registry_stop_pid() {
	local pid=${PP_REGISTRY_PID:-} _i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	for _i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	PP_REGISTRY_PID=
}

# A token server (tests/integration/tokenserver.py) for bearer-token auth: its signing key and certificate in $1,
# anyone may pull public/*, podplay:secret may pull and push anything.
token_start() {
	local dir=$1
	mkdir -p "$dir"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/token.key" -out "$dir/token.crt" -days 1 \
		-subj "/CN=podplay test token issuer" >/dev/null 2>&1 || return 1
	python3 "$REPO_ROOT/tests/integration/tokenserver.py" "$dir/token.key" "$dir/token.crt" podplay-test-registry \
		podplay-test-issuer "$PP_REGISTRY_USER:$PP_REGISTRY_PASSWORD" "$dir/port" "$dir/log" >"$dir/out" 2>&1 3>&- &
	export PP_TOKEN_PID=$!
	for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
	[ -s "$dir/port" ] || return 1
	export PP_TOKEN_PORT PP_TOKEN_LOG=$dir/log
	PP_TOKEN_PORT=$(cat "$dir/port")
}

registry_stop() {
	if [ -n "${PP_TOKEN_PID:-}" ]; then
		kill "$PP_TOKEN_PID" 2>/dev/null || true
		wait "$PP_TOKEN_PID" 2>/dev/null || true
		unset PP_TOKEN_PID PP_TOKEN_PORT PP_TOKEN_LOG
	fi
	registry_stop_pid
	[ -n "${PP_REGISTRY_DIR:-}" ] && rm -rf "$PP_REGISTRY_DIR"
	unset PP_REGISTRY_MODE PP_REGISTRY_PORT PP_REGISTRY_PID PP_REGISTRY_DIR PP_REGISTRY_HOST PP_REGISTRY_URL \
		PP_REGISTRY_CERTS_D PP_REGISTRY_CA PP_REGISTRY_CREDS
}

# Pushes the OCI layout $1 (its "latest") to the running registry as $2:latest, with skopeo.
registry_push() {
	local src=$1 name=$2
	local args=(--dest-tls-verify=false)
	if [ "$PP_REGISTRY_MODE" = tls ]; then
		# Verified against the registry's own CA, so the certificates are proven too.
		args=(--dest-tls-verify=true --dest-cert-dir "$PP_REGISTRY_CERTS_D/$PP_REGISTRY_HOST")
	fi
	[ -n "$PP_REGISTRY_CREDS" ] && args+=(--dest-creds "$PP_REGISTRY_CREDS")
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$PP_REGISTRY_DIR/policy.json"
	registry_noproxy skopeo --policy "$PP_REGISTRY_DIR/policy.json" copy --quiet "${args[@]}" \
		"oci:$src:latest" "docker://$PP_REGISTRY_HOST/$name:latest"
}
