#!/bin/sh
# The namespace and search attributes every Sluice workflow needs (docker-compose.yml, service
# temporal-setup). The names and types are src/dev/config.ts SEARCH_ATTRIBUTE_TYPES; the compose
# test fails when they differ. Safe to run again.
set -eu
namespace=${SLUICE_NAMESPACE:-default}
until temporal operator cluster health >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$namespace" --retention 72h
for attribute in \
  SluiceService=Keyword \
  SluiceEnvironment=Keyword \
  SluiceVersion=Keyword \
  SluicePhase=Keyword \
  SluiceStrategy=Keyword \
  SluiceWeight=Int \
  SluiceKind=Keyword \
  SluiceConfigVersion=Keyword \
  SluiceSummary=Keyword; do
  name=${attribute%%=*}
  type=${attribute#*=}
  if temporal operator search-attribute list --namespace "$namespace" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
  fi
done
echo "namespace $namespace is ready for Sluice"
