#include "models/models.hpp"

#include "models/cache/cache_config.hpp"
#include "models/client/client_config.hpp"
#include "models/database/database_config.hpp"
#include "models/lb/load_balancer_config.hpp"
#include "models/service/service_config.hpp"

namespace sdsim {

void register_models(Registry& registry) {
  registry.set_client_parser(&parse_client);
  registry.add_component_kind("service", &parse_service);
  registry.add_component_kind("load_balancer", &parse_load_balancer);
  registry.add_component_kind("cache", &parse_cache);
  registry.add_component_kind("database", &parse_database);
}

}  // namespace sdsim
