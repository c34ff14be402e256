-- The tables an order touches, cut to the columns the writes below fill: the ceiling for PostgreSQL on this
-- machine when each order is one transaction of these five writes and nothing else.
CREATE TABLE orders (
    order_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, occurred_at BIGINT NOT NULL, currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL, request_fingerprint TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX orders_by_member ON orders (member_id, occurred_at, order_id);
CREATE TABLE order_lines (
    order_id TEXT NOT NULL, line_number BIGINT NOT NULL, sku TEXT NOT NULL, quantity BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL, PRIMARY KEY (order_id, line_number));
CREATE TABLE point_lots (
    lot_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, points BIGINT NOT NULL, remaining BIGINT NOT NULL,
    earned_at BIGINT NOT NULL, expires_at BIGINT);
CREATE INDEX point_lots_by_member ON point_lots (member_id, lot_id);
CREATE TABLE point_balances (
    member_id TEXT PRIMARY KEY, available BIGINT NOT NULL, lifetime_earned BIGINT NOT NULL,
    updated_at BIGINT NOT NULL);
CREATE TABLE point_entries (
    entry_id BIGSERIAL PRIMARY KEY, member_id TEXT NOT NULL, kind TEXT NOT NULL, points BIGINT NOT NULL,
    reason TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX point_entries_by_member ON point_entries (member_id, entry_id);
