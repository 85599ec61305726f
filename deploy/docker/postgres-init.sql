-- One database per service (each service owns its data; none reads another's database).
CREATE DATABASE registry;
CREATE DATABASE data_sharing;
CREATE DATABASE typing;
CREATE DATABASE cultivation;
CREATE DATABASE appeal;
CREATE DATABASE notify;
CREATE DATABASE monitoring;
CREATE DATABASE gateway;  -- the anonymous callers' counts its processes share
