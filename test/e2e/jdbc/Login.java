// Logs in with each JDBC URL exactly as given (the pguser secret's jdbc-uri), one JVM for all,
// and prints one line per URL: current_user and current_database() tab-separated, or
// "ERROR <message>". Run as: java -cp postgresql.jar Login.java URL...
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

public class Login {
  public static void main(String[] args) {
    for (String url : args) {
      try (Connection c = DriverManager.getConnection(url);
          ResultSet r = c.createStatement().executeQuery("SELECT current_user, current_database()")) {
        r.next();
        System.out.println(r.getString(1) + "\t" + r.getString(2));
      } catch (Exception e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        System.out.println("ERROR " + String.valueOf(root.getMessage()).replace('\n', ' '));
      }
    }
  }
}
