-- One database per stateful service, as the AppHost creates them (the services apply their migrations at start-up).
CREATE DATABASE ingestiondb;
CREATE DATABASE trainingdb;
CREATE DATABASE registrydb;
CREATE DATABASE monitoringdb;
