package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ClickHouseOptions configure a test ClickHouse server.
type ClickHouseOptions struct {
	// Users is extra XML placed inside <users>, e.g. a user with a password.
	Users string
}

// ClickHouse is a running ClickHouse server.
type ClickHouse struct {
	HTTPPort   int
	NativePort int
	Dir        string
	srv        *server
}

// HTTPURL is the server's HTTP interface.
func (c *ClickHouse) HTTPURL() string { return fmt.Sprintf("http://127.0.0.1:%d", c.HTTPPort) }

// StartClickHouse starts clickhouse-server with its own data, tmp and log
// paths on free loopback ports.
func StartClickHouse(ctx context.Context, opts ClickHouseOptions) (*ClickHouse, error) {
	dir, err := os.MkdirTemp("", "mlwatch-clickhouse-")
	if err != nil {
		return nil, fmt.Errorf("clickhouse temp dir: %w", err)
	}
	fail := func(err error) (*ClickHouse, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	for _, sub := range []string{"data", "tmp", "user_files", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fail(fmt.Errorf("clickhouse dir: %w", err))
		}
	}
	ports, err := freePorts(2)
	if err != nil {
		return fail(err)
	}
	c := &ClickHouse{HTTPPort: ports[0], NativePort: ports[1], Dir: dir}
	users := strings.ReplaceAll(clickhouseUsers, "{{extra}}", opts.Users)
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(users), 0o644); err != nil {
		return fail(fmt.Errorf("write users.xml: %w", err))
	}
	cfg := strings.NewReplacer(
		"{{dir}}", dir,
		"{{http}}", fmt.Sprint(c.HTTPPort),
		"{{native}}", fmt.Sprint(c.NativePort),
	).Replace(clickhouseConfig)
	cfgPath := filepath.Join(dir, "config.xml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return fail(fmt.Errorf("write config.xml: %w", err))
	}
	binary := "clickhouse-server"
	if _, err := os.Stat("/usr/sbin/clickhouse-server"); err == nil {
		binary = "/usr/sbin/clickhouse-server"
	}
	srv, err := start("clickhouse", dir, binary, "--config-file="+cfgPath)
	if err != nil {
		return fail(err)
	}
	c.srv = srv
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := srv.waitHTTP(waitCtx, c.HTTPURL()+"/ping", false); err != nil {
		srv.stop()
		return nil, err
	}
	return c, nil
}

// Stop stops the server and removes its data.
func (c *ClickHouse) Stop() { c.srv.stop() }

// The config keeps everything inside the test's directory and listens on
// loopback only. The XML root is <yandex>, which old and new servers accept.
const clickhouseConfig = `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>{{dir}}/log/server.log</log>
    <errorlog>{{dir}}/log/error.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <http_port>{{http}}</http_port>
  <tcp_port>{{native}}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>{{dir}}/data/</path>
  <tmp_path>{{dir}}/tmp/</tmp_path>
  <user_files_path>{{dir}}/user_files/</user_files_path>
  <users_config>{{dir}}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>104857600</mark_cache_size>
  <uncompressed_cache_size>104857600</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`

const clickhouseUsers = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
    <readonly>
      <readonly>1</readonly>
    </readonly>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    {{extra}}
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`
