\set member random(1, 5000)
\set points random(1, 200)
\set order random(1, 9000000000000000)
BEGIN;
INSERT INTO orders VALUES (:client_id || '-' || :order, 'm-' || :member, 0, 'CNY', :points * 100, 'f', 0);
INSERT INTO order_lines VALUES (:client_id || '-' || :order, 1, 'LATTE-L', 1, :points * 100);
INSERT INTO point_lots VALUES (:client_id || '-' || :order, 'm-' || :member, :points, :points, 0, NULL);
INSERT INTO point_balances VALUES ('m-' || :member, :points, :points, 0) ON CONFLICT (member_id)
  DO UPDATE SET available = point_balances.available + EXCLUDED.available,
                lifetime_earned = point_balances.lifetime_earned + EXCLUDED.lifetime_earned;
INSERT INTO point_entries (member_id, kind, points, reason, created_at) VALUES ('m-' || :member, 'earn', :points, 'order', 0);
COMMIT;
